-- MRR bridge for the window $from_idx..$to_idx (metrics.md, "Waterfall"), one row:
-- starting_mrr = MRR in the month before the window, each movement summed over
-- the window, ending_mrr = MRR in the window's last month. Sums of combo_month.
SELECT coalesce(sum(starting_mrr) FILTER (WHERE month_idx = $from_idx), 0) AS starting_mrr,
       coalesce(sum(new), 0) AS new,
       coalesce(sum(expansion), 0) AS expansion,
       coalesce(sum(cross_sell), 0) AS cross_sell,
       coalesce(sum(contraction), 0) AS contraction,
       coalesce(sum(churn), 0) AS churn,
       coalesce(sum(reactivation), 0) AS reactivation,
       coalesce(sum(ending_mrr) FILTER (WHERE month_idx = $to_idx), 0) AS ending_mrr
FROM combo_month m
SEMI JOIN selected_combos($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) s
    ON s.combo_key = m.combo_key
WHERE m.month_idx BETWEEN $from_idx AND $to_idx;
