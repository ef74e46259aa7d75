-- Reactivation of each month's twelve-month base (metrics.md, "NRR by other
-- definitions", nrr_excluding_reactivation): for month m, the reactivation MRR
-- over months m-11..m of the selected accounts active in m-12.
-- Parameters: the filter's ($segment, $region, $industry, $csm_owner,
-- $extra_pairs, $extra_count). Grain: one row per month m that has base
-- reactivation (a month with none has no row: its sum is 0).
SELECT b.month_idx + 12 AS month_idx, sum(r.reactivation) AS base_reactivation
FROM account_month b
SEMI JOIN selected_combos($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) s
    ON s.combo_key = b.combo_key
JOIN account_month r
    ON r.account_key = b.account_key AND r.month_idx BETWEEN b.month_idx + 1 AND b.month_idx + 12
WHERE b.mrr > 0 AND r.reactivation > 0 AND b.month_idx + 12 <= (SELECT as_of_idx FROM book)
GROUP BY ALL
ORDER BY month_idx;
