-- Accounts and ARR per journey phase and month, for the selected accounts.
-- Parameters: the filter ($segment … $extra_count), $value_share,
-- $promoter_score, $advocacy_months (nrr_core/insight/rules.py).
-- Grain: one row per month and phase that has accounts (phase as in journey_phase).
SELECT j.month_idx,
       journey_phase(j.installed, j.util_best, j.util_held, j.last_nps, j.last_nps_idx, j.last_growth_idx,
                     j.month_idx, $value_share, $promoter_score, $advocacy_months) AS phase,
       count(*) AS accounts, sum(j.mrr) * 12 AS arr
FROM journey_month j
SEMI JOIN selected_combos($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) c
    ON c.combo_key = j.combo_key
GROUP BY ALL
ORDER BY j.month_idx, phase;
