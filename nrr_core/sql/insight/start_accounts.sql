-- The selected accounts that started inside the data (not active in its first
-- month) by $month_idx, with what the early-adoption and drivers views group
-- them by, and their 12-month outcome from their own start (MRR at start + 12;
-- NULL unless start + 12 ≤ $month_idx: not yet eligible).
-- Parameters: the filter, $month_idx, $value_share, $early_months.
-- Grain: one row per account. The attributes come by combo_key from
-- insight/start_combos (a few hundred rows, not a string per account).
--   util_60d / util_90d / util_early  utilisation 2, 3 and $early_months months
--                 after first revenue (NULL: unknown or not yet there)
--   ttv           months to value with data up to $month_idx (NULL: not reached)
SELECT a.account_id, ja.combo_key, ja.start_idx,
       ja.start_mrr, ja.start_products,
       CASE WHEN ja.start_idx + 2 <= $month_idx THEN util_at(ja.months, 2) END AS util_60d,
       CASE WHEN ja.start_idx + 3 <= $month_idx THEN util_at(ja.months, 3) END AS util_90d,
       CASE WHEN ja.start_idx + $early_months <= $month_idx THEN util_at(ja.months, $early_months) END AS util_early,
       time_to_value(ja.months, $value_share, $month_idx - ja.start_idx) AS ttv,
       CASE WHEN ja.start_idx + 12 <= $month_idx THEN ja.mrr_12 END AS mrr_12
FROM journey_account ja
JOIN accounts a USING (account_key)
SEMI JOIN selected_combos($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) s
    ON s.combo_key = ja.combo_key
WHERE NOT ja.installed AND ja.start_idx <= $month_idx
ORDER BY a.account_id;
