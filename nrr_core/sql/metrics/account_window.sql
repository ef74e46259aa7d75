-- One account's bridge month by month over $from_idx..$to_idx: every month of
-- the window (zeros where it had no revenue in either month), MRR before, the
-- six movements, MRR after.
SELECT month_label(s.month_idx) AS month,
       coalesce(m.prev_mrr, 0) AS starting_mrr, coalesce(m.new, 0) AS new,
       coalesce(m.expansion, 0) AS expansion, coalesce(m.cross_sell, 0) AS cross_sell,
       coalesce(m.contraction, 0) AS contraction, coalesce(m.churn, 0) AS churn,
       coalesce(m.reactivation, 0) AS reactivation, coalesce(m.mrr, 0) AS ending_mrr
FROM spine s
LEFT JOIN account_month m ON m.month_idx = s.month_idx
    AND m.account_key = (SELECT account_key FROM accounts WHERE account_id = $account_id)
WHERE s.month_idx BETWEEN $from_idx AND $to_idx
ORDER BY s.month_idx;
