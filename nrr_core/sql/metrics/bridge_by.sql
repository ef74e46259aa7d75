-- The window's MRR bridge ($from_idx..$to_idx) per value of attribute $by,
-- for the selected accounts: starting_mrr, the six movements, ending_mrr.
-- Sums of combo_month, exact for any filter.
WITH picked AS (
    SELECT c.combo_key, group_value($by, NULL, c.segment, c.region, c.industry, c.csm_owner, c.extras) AS value
    FROM combos c
    SEMI JOIN selected_combos($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) s
        ON s.combo_key = c.combo_key
)
SELECT p.value,
       coalesce(sum(m.starting_mrr) FILTER (WHERE m.month_idx = $from_idx), 0) AS starting_mrr,
       sum(m.new) AS new, sum(m.expansion) AS expansion, sum(m.cross_sell) AS cross_sell,
       sum(m.contraction) AS contraction, sum(m.churn) AS churn, sum(m.reactivation) AS reactivation,
       coalesce(sum(m.ending_mrr) FILTER (WHERE m.month_idx = $to_idx), 0) AS ending_mrr
FROM combo_month m JOIN picked p USING (combo_key)
WHERE m.month_idx BETWEEN $from_idx AND $to_idx
GROUP BY p.value
ORDER BY ending_mrr DESC, p.value;
