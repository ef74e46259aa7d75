-- Accounts and ARR per journey phase and month, for the selected accounts, from
-- journey_phase_mix (built at load under the default rules; the caller checks
-- the rules in force are those of journey_defaults, else it runs insight/phases).
-- Parameters: the filter ($segment … $extra_count).
-- Grain: one row per month and phase that has accounts.
SELECT p.month_idx, p.phase, CAST(sum(p.accounts) AS BIGINT) AS accounts, sum(p.mrr) * 12 AS arr
FROM journey_phase_mix p
SEMI JOIN selected_combos($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) c
    ON c.combo_key = p.combo_key
GROUP BY ALL
ORDER BY p.month_idx, p.phase;
