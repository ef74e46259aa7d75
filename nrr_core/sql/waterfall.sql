-- MRR bridge for the window $from_idx..$to_idx (metrics.md, "Waterfall").
-- starting_mrr = MRR in the month before the window, each movement summed over
-- the window, ending_mrr = MRR in the window's last month. With $existing_only
-- the accounts are restricted to those active just before the window (the NRR
-- bridge: ending / starting is the window's net retention). One row.
WITH picked AS (
    SELECT m.*
    FROM account_month m
    SEMI JOIN selected_accounts($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) s
        ON s.account_key = m.account_key
    WHERE m.month_idx BETWEEN $from_idx AND $to_idx
), existing AS (
    SELECT account_key FROM picked WHERE month_idx = $from_idx AND prev_mrr > 0
), scoped AS (
    SELECT * FROM picked
    WHERE NOT $existing_only OR account_key IN (SELECT account_key FROM existing)
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
