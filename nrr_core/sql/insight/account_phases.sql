-- Selected accounts active at $month_idx with their journey phase then and the
-- months they have spent in it: $month_idx minus the latest earlier active
-- month in another phase (or, with none, minus the month before the first
-- active month; for accounts active in the data's first month that is a lower bound).
-- Only the last $history_months months are read (one more than the longest stall
-- limit), so a longer run shows as $history_months: enough to tell stalled or not.
-- One pass groups each account's months: the latest month in a phase other than
-- each of the four is kept, and the current phase picks its own.
-- Parameters: the filter, $month_idx, $value_share, $promoter_score, $advocacy_months,
-- $history_months, $only_stalled (true: only the accounts past their phase's
-- limit, $stall_onboarding / $stall_adoption / $stall_value_realisation).
-- Grain: one row per account active at $month_idx.
WITH phased AS (
    SELECT j.account_key, j.month_idx, j.mrr, j.utilisation, j.k, j.installed,
           journey_phase(j.installed, j.util_best, j.util_held, j.last_nps, j.last_nps_idx, j.last_growth_idx,
                         j.month_idx, $value_share, $promoter_score, $advocacy_months) AS phase
    FROM journey_month j
    SEMI JOIN selected_combos($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) c
        ON c.combo_key = j.combo_key
    WHERE j.month_idx BETWEEN $month_idx - $history_months + 1 AND $month_idx
), runs AS (
    SELECT account_key,
           max(month_idx) AS last_idx, min(month_idx) AS first_active,
           max(month_idx) FILTER (WHERE phase <> 'onboarding') AS not_onboarding,
           max(month_idx) FILTER (WHERE phase <> 'adoption') AS not_adoption,
           max(month_idx) FILTER (WHERE phase <> 'value_realisation') AS not_value_realisation,
           max(month_idx) FILTER (WHERE phase <> 'advocacy') AS not_advocacy
    FROM phased
    GROUP BY account_key
    HAVING max(month_idx) = $month_idx
), now AS (
    SELECT n.account_key, n.phase, n.mrr, n.utilisation, n.k, n.installed,
           CAST($month_idx - coalesce(CASE n.phase WHEN 'onboarding' THEN r.not_onboarding
                                                   WHEN 'adoption' THEN r.not_adoption
                                                   WHEN 'value_realisation' THEN r.not_value_realisation
                                                   ELSE r.not_advocacy END,
                                      r.first_active - 1) AS INTEGER) AS months_in_phase
    FROM phased n JOIN runs r USING (account_key)
    WHERE n.month_idx = $month_idx
)
SELECT a.account_id, a.name, a.segment, a.csm_owner, n.phase, n.months_in_phase,
       n.k AS months_since_start, n.installed, n.utilisation, n.mrr * 12 AS arr
FROM now n JOIN accounts a USING (account_key)
WHERE NOT $only_stalled
   OR n.months_in_phase > CASE n.phase
          WHEN 'onboarding' THEN $stall_onboarding WHEN 'adoption' THEN $stall_adoption
          WHEN 'value_realisation' THEN $stall_value_realisation END
ORDER BY n.mrr DESC, a.account_id;
