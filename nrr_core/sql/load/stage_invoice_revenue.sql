-- Invoice lines -> MRR per account, product and month up to the as-of month,
-- the stage_revenue that build_book.sql reads (as stage_subscriptions.sql).
-- Only full-price subscription lines count: type subscription and not
-- prorated. Month rule: a line counts in month m when its service period is in
-- force on m's first day, i.e. starts <= first day of m < ends (ends
-- exclusive). first_idx is the first month whose first day is on or after the
-- start, last_idx the last month whose first day is before the end; the line's
-- monthly amount is its amount, converted at its currency's constant rate
-- (1 when blank or without --fx), divided by the number of month-first-days it
-- covers (annual: 12, quarterly: 3). A line covering no first day adds nothing.
-- Months after the as-of month are cut, but still divide a prepaid amount.
-- Parameters: $as_of_idx. Grain: one row per (line, covered month); lines of one
-- (account, product, month) are summed by build_book.sql.
CREATE TEMP TABLE stage_revenue AS
WITH counting AS (
    SELECT l.account_id, l.product, l.amount * coalesce(f.rate, 1.0) AS amount,
           year(l.starts) * 12 + month(l.starts) - 1 + CASE WHEN day(l.starts) = 1 THEN 0 ELSE 1 END AS first_idx,
           year(l.ends) * 12 + month(l.ends) - 1 - CASE WHEN day(l.ends) = 1 THEN 1 ELSE 0 END AS last_idx
    FROM invoice_lines l LEFT JOIN stage_fx f USING (currency)
    WHERE l.line_type = 'subscription' AND NOT l.prorated
)
SELECT account_id, product, month_idx, mrr
FROM (SELECT account_id, product, amount / (last_idx - first_idx + 1) AS mrr,
             unnest(range(first_idx, least(last_idx, $as_of_idx) + 1)) AS month_idx
      FROM counting
      WHERE first_idx <= last_idx AND first_idx <= $as_of_idx);
