-- The window's MRR bridge ($from_idx..$to_idx) per value of attribute $by,
-- for the selected accounts: starting_mrr, the six movements, ending_mrr.
WITH keyed AS (
    SELECT account_key, value
    FROM grouped_accounts($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count, $by)
)
SELECT k.value,
       coalesce(sum(m.prev_mrr) FILTER (WHERE m.month_idx = $from_idx), 0) AS starting_mrr,
       sum(m.new) AS new, sum(m.expansion) AS expansion, sum(m.cross_sell) AS cross_sell,
       sum(m.contraction) AS contraction, sum(m.churn) AS churn, sum(m.reactivation) AS reactivation,
       coalesce(sum(m.mrr) FILTER (WHERE m.month_idx = $to_idx), 0) AS ending_mrr
FROM keyed k JOIN account_month m ON m.account_key = k.account_key
WHERE m.month_idx BETWEEN $from_idx AND $to_idx
GROUP BY k.value
ORDER BY ending_mrr DESC, k.value;
