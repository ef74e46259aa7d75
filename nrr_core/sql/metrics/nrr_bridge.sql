-- The NRR bridge for the window $from_idx..$to_idx (metrics.md, "Waterfall"):
-- the waterfall restricted to the selected accounts active just before the
-- window (no new logos), so ending_mrr / starting_mrr is the window's net
-- retention. One row. Account grain: which accounts count depends on the window.
WITH picked AS (
    SELECT m.*
    FROM account_month m
    SEMI JOIN selected_combos($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) s
        ON s.combo_key = m.combo_key
    WHERE m.month_idx BETWEEN $from_idx AND $to_idx
), scoped AS (
    SELECT * FROM picked
    WHERE account_key IN (SELECT account_key FROM picked WHERE month_idx = $from_idx AND prev_mrr > 0)
)
SELECT coalesce(sum(prev_mrr) FILTER (WHERE month_idx = $from_idx), 0) AS starting_mrr,
       coalesce(sum(new), 0) AS new,
       coalesce(sum(expansion), 0) AS expansion,
       coalesce(sum(cross_sell), 0) AS cross_sell,
       coalesce(sum(contraction), 0) AS contraction,
       coalesce(sum(churn), 0) AS churn,
       coalesce(sum(reactivation), 0) AS reactivation,
       coalesce(sum(mrr) FILTER (WHERE month_idx = $to_idx), 0) AS ending_mrr
FROM scoped;
