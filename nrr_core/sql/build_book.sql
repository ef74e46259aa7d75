-- Build the book's tables from the staged, validated inputs. Everything a report
-- needs is computed here once, so each report is one cheap aggregation:
--   book            one row: first and as-of month of the data, load id and time
--   spine           every month from the first to the as-of month
--   accounts        one row per account (integer key), its start month and MRR
--   account_attributes  extra account columns as (account, name, value)
--   products        product lines (integer key)
--   mrr             MRR per account, product, month: duplicates summed, > 0 only
--   account_month   per account and month where it or its previous month had MRR:
--                   mrr, prev_mrr and the six movements (metrics.md), classified once
--   retention_base  per account active 12 months before month m: base_mrr, mrr at m
--   signals         account-month usage signals (optional input)
-- Months are integers: year * 12 + month - 1.

CREATE TABLE book AS
SELECT CAST($first_idx AS INTEGER) AS first_idx, CAST($as_of_idx AS INTEGER) AS as_of_idx,
       CAST($load_id AS VARCHAR) AS load_id, CAST($loaded_at AS TIMESTAMP) AS loaded_at,
       CAST($sources AS VARCHAR) AS sources;

CREATE TABLE spine AS
SELECT CAST(range AS INTEGER) AS month_idx FROM range($first_idx, $as_of_idx + 1);

CREATE TEMP TABLE revenue AS
SELECT account_id, product, month_idx, sum(mrr) AS mrr
FROM stage_revenue
WHERE month_idx BETWEEN $first_idx AND $as_of_idx
GROUP BY ALL
HAVING sum(mrr) > 0;

CREATE TABLE products AS
SELECT CAST(row_number() OVER (ORDER BY product) AS INTEGER) AS product_key, product
FROM (SELECT DISTINCT product FROM revenue);

CREATE TEMP TABLE account_keys AS
SELECT CAST(row_number() OVER (ORDER BY account_id) AS INTEGER) AS account_key, *
FROM stage_accounts;

CREATE TABLE mrr AS
SELECT k.account_key, p.product_key, r.month_idx, r.mrr
FROM revenue r JOIN account_keys k USING (account_id) JOIN products p USING (product)
ORDER BY k.account_key, r.month_idx, p.product_key;

-- Each (account, product) row contributes its MRR to its own month (cur) and to
-- the next month (prev); summing gives cur and prev side by side without a dense
-- grid. Months where an account had nothing in either month produce no row and
-- no movement, exactly as metrics.md says.
CREATE TABLE account_month AS
WITH product_change AS (
    SELECT account_key, product_key, month_idx, sum(cur) AS cur, sum(prev) AS prev
    FROM (SELECT account_key, product_key, month_idx, mrr AS cur, 0.0 AS prev FROM mrr
          UNION ALL
          SELECT account_key, product_key, month_idx + 1, 0.0, mrr FROM mrr WHERE month_idx < $as_of_idx)
    GROUP BY ALL
), account_change AS (
    SELECT account_key, month_idx,
           sum(cur) AS mrr,
           sum(prev) AS prev_mrr,
           sum(CASE WHEN prev = 0 AND cur > 0 THEN cur ELSE 0 END) AS product_added,
           sum(CASE WHEN prev > 0 AND cur > prev THEN cur - prev ELSE 0 END) AS product_up,
           sum(CASE WHEN cur < prev THEN cur - prev ELSE 0 END) AS product_down
    FROM product_change
    GROUP BY ALL
), first_active AS (
    SELECT account_key, min(month_idx) AS start_idx FROM mrr GROUP BY ALL
)
SELECT c.account_key, c.month_idx, c.mrr, c.prev_mrr,
       CASE WHEN c.prev_mrr = 0 AND c.month_idx = f.start_idx THEN c.mrr ELSE 0 END AS new,
       CASE WHEN c.prev_mrr > 0 AND c.mrr > 0 THEN c.product_up ELSE 0 END AS expansion,
       CASE WHEN c.prev_mrr > 0 AND c.mrr > 0 THEN c.product_added ELSE 0 END AS cross_sell,
       CASE WHEN c.prev_mrr > 0 AND c.mrr > 0 THEN c.product_down ELSE 0 END AS contraction,
       CASE WHEN c.prev_mrr > 0 AND c.mrr = 0 THEN -c.prev_mrr ELSE 0 END AS churn,
       CASE WHEN c.prev_mrr = 0 AND c.month_idx > f.start_idx THEN c.mrr ELSE 0 END AS reactivation
FROM account_change c JOIN first_active f USING (account_key)
ORDER BY c.account_key, c.month_idx;

CREATE TABLE retention_base AS
SELECT b.account_key, b.month_idx + 12 AS month_idx, b.mrr AS base_mrr, coalesce(c.mrr, 0) AS mrr
FROM account_month b
LEFT JOIN account_month c ON c.account_key = b.account_key AND c.month_idx = b.month_idx + 12
WHERE b.mrr > 0 AND b.month_idx + 12 <= $as_of_idx
ORDER BY b.account_key, b.month_idx;

CREATE TABLE accounts AS
SELECT k.account_key, k.account_id, k.name, k.segment, k.region, k.industry, k.csm_owner,
       k.renewal_date, k.executive_sponsor,
       s.month_idx AS start_idx,
       s.mrr AS start_mrr,
       coalesce(e.mrr, 0) AS current_mrr
FROM account_keys k
LEFT JOIN (SELECT account_key, month_idx, mrr FROM account_month WHERE new > 0) s USING (account_key)
LEFT JOIN (SELECT account_key, mrr FROM account_month WHERE month_idx = $as_of_idx) e USING (account_key)
ORDER BY k.account_key;

CREATE TABLE account_attributes AS
SELECT k.account_key, a.name, a.value
FROM stage_attributes a JOIN account_keys k USING (account_id)
ORDER BY a.name, k.account_key;

CREATE TABLE signals AS
SELECT k.account_key, s.month_idx, s.seats_licensed, s.active_users, s.support_tickets, s.nps
FROM stage_signals s JOIN account_keys k USING (account_id)
WHERE s.month_idx BETWEEN $first_idx AND $as_of_idx
ORDER BY k.account_key, s.month_idx;

CREATE MACRO month_label(idx) AS printf('%04d-%02d', idx // 12, idx % 12 + 1);

CREATE MACRO quarter_label(idx) AS printf('%04d-Q%d', idx // 12, idx % 12 // 3 + 1);

-- The accounts a Filters value selects (nrr_core/filters.py): OR within one
-- attribute, AND across attributes; an empty list means no restriction.
CREATE MACRO selected_accounts(segs, regs, inds, owners, extra_pairs, extra_count) AS TABLE
SELECT a.account_key
FROM accounts a
WHERE (len(segs) = 0 OR list_contains(segs, a.segment))
  AND (len(regs) = 0 OR list_contains(regs, a.region))
  AND (len(inds) = 0 OR list_contains(inds, a.industry))
  AND (len(owners) = 0 OR list_contains(owners, a.csm_owner))
  AND (extra_count = 0 OR extra_count = (
        SELECT count(DISTINCT x.name) FROM account_attributes x
        WHERE x.account_key = a.account_key
          AND list_contains(extra_pairs, x.name || chr(31) || x.value)));

-- The selected accounts with the group each falls in for group_key: quarter or month
-- of its start, segment, region, industry, csm_owner, or the name of an extra
-- attribute. Columns: account_key, start_idx, start_mrr, value ('(none)' where
-- the account has no such attribute). Accounts that never had revenue have a
-- NULL start_idx; callers that need a start filter on it.
CREATE MACRO grouped_accounts(segs, regs, inds, owners, extra_pairs, extra_count, group_key) AS TABLE
SELECT a.account_key, a.start_idx, a.start_mrr,
       coalesce(CASE group_key
            WHEN 'quarter' THEN quarter_label(a.start_idx)
            WHEN 'month' THEN month_label(a.start_idx)
            WHEN 'segment' THEN a.segment
            WHEN 'region' THEN a.region
            WHEN 'industry' THEN a.industry
            WHEN 'csm_owner' THEN a.csm_owner
            ELSE (SELECT x.value FROM account_attributes x WHERE x.account_key = a.account_key AND x.name = group_key)
       END, '(none)') AS value
FROM accounts a
SEMI JOIN selected_accounts(segs, regs, inds, owners, extra_pairs, extra_count) s ON s.account_key = a.account_key;
