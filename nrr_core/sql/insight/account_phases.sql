-- Selected accounts active at $month_idx with their journey phase then and the
-- months they have spent in it: $month_idx minus the latest earlier active
-- month in another phase (or, with none, minus the month before the first
-- active month; for accounts active in the data's first month that is a lower bound).
-- Only the last $history_months months are read (one more than the longest stall
-- limit), so a longer run shows as $history_months: enough to tell stalled or not.
-- One pass groups each account's months, keeping the latest month in a phase
-- other than its phase at $month_idx.
-- Parameters: the filter, $month_idx, $value_share, $promoter_score, $advocacy_months,
-- $history_months, $only_stalled (true: only the accounts past their phase's
-- limit, $stall_onboarding / $stall_adoption / $stall_value_realisation).
-- With $only_stalled, the full history is read only for the accounts that can be
-- stalled: a phase with a limit (advocacy never stalls) and no month in another
-- phase among the limit's months before $month_idx; the rule is then applied
-- to them exactly as to every account without it.
-- Grain: one row per account active at $month_idx.
WITH phase_now AS (
    SELECT j.account_key, j.mrr, j.utilisation, j.k, j.installed,
           journey_phase(j.installed, j.util_best, j.util_held, j.last_nps, j.last_nps_idx, j.last_growth_idx,
                         j.month_idx, $value_share, $promoter_score, $advocacy_months) AS phase
    FROM journey_month j
    SEMI JOIN selected_combos($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) c
        ON c.combo_key = j.combo_key
    WHERE j.month_idx = $month_idx
), now AS (
    SELECT *, CASE phase WHEN 'onboarding' THEN $stall_onboarding WHEN 'adoption' THEN $stall_adoption
                         WHEN 'value_realisation' THEN $stall_value_realisation END AS stall_limit
    FROM phase_now
    WHERE NOT $only_stalled OR phase <> 'advocacy'
), moved_lately AS (
    -- Stalled needs no month in another phase among the stall_limit months before $month_idx.
    SELECT DISTINCT n.account_key
    FROM now n JOIN journey_month j USING (account_key)
    WHERE $only_stalled AND j.month_idx BETWEEN $month_idx - n.stall_limit AND $month_idx - 1
      AND journey_phase(j.installed, j.util_best, j.util_held, j.last_nps, j.last_nps_idx, j.last_growth_idx,
                        j.month_idx, $value_share, $promoter_score, $advocacy_months) <> n.phase
), candidates AS (
    SELECT * FROM now ANTI JOIN moved_lately USING (account_key)
), runs AS (
    -- The latest earlier month in another phase, and the first month read.
    SELECT c.account_key, min(j.month_idx) AS first_read,
           max(j.month_idx) FILTER (WHERE journey_phase(j.installed, j.util_best, j.util_held, j.last_nps,
                                                         j.last_nps_idx, j.last_growth_idx, j.month_idx, $value_share,
                                                         $promoter_score, $advocacy_months) <> c.phase) AS other_phase
    FROM candidates c JOIN journey_month j USING (account_key)
    WHERE j.month_idx BETWEEN $month_idx - $history_months + 1 AND $month_idx
    GROUP BY c.account_key
), counted AS (
    SELECT c.*, CAST($month_idx - coalesce(r.other_phase, r.first_read - 1) AS INTEGER) AS months_in_phase
    FROM candidates c JOIN runs r USING (account_key)
)
SELECT a.account_id, a.name, a.segment, a.csm_owner, n.phase, n.months_in_phase,
       n.k AS months_since_start, n.installed, n.utilisation, n.mrr * 12 AS arr
FROM counted n JOIN accounts a USING (account_key)
WHERE NOT $only_stalled OR n.months_in_phase > n.stall_limit
ORDER BY n.mrr DESC, a.account_id;
