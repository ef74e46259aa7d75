-- One book's headline figures at its own as-of month, for the Data page's
-- preview and the load history. Reads the default catalog's tables (the caller
-- runs it on a book's own connection, or after USE cur / USE new).
-- One row (none for an empty "cur"): first_idx, as_of_idx, load_id,
-- accounts (with revenue, as book_info), active_accounts and arr (12 x MRR) at
-- the as-of month, mrr_rows, and the trailing-12-month nrr, grr and
-- logo_retention at the as-of month (NULL without a 12-month base), as the
-- retention report computes them.
WITH b AS (
    SELECT first_idx, as_of_idx, load_id FROM book
), m AS (
    SELECT sum(ending_mrr) AS mrr, sum(ending_accounts) AS active
    FROM combo_month WHERE month_idx = (SELECT as_of_idx FROM b)
), r AS (
    SELECT sum(retained_mrr) / sum(base_mrr) AS nrr,
           sum(gross_retained_mrr) / sum(base_mrr) AS grr,
           sum(retained_accounts) / sum(base_accounts) AS logo_retention
    FROM combo_retention WHERE month_idx = (SELECT as_of_idx FROM b)
    HAVING sum(base_mrr) > 0
)
SELECT b.first_idx, b.as_of_idx, b.load_id,
       (SELECT count(*) FROM accounts WHERE start_idx IS NOT NULL) AS accounts,
       CAST(coalesce(m.active, 0) AS BIGINT) AS active_accounts,
       coalesce(m.mrr, 0) * 12 AS arr,
       (SELECT count(*) FROM mrr) AS mrr_rows,
       r.nrr, r.grr, r.logo_retention
FROM b CROSS JOIN m LEFT JOIN r ON true;
