-- Time to value of the selected accounts that started inside the data (not
-- active in its first month) by $month_idx, as counts for a Kaplan-Meier
-- estimate: per group and duration in months, how many reached value then
-- (reached) and how many were last seen still onboarding then (censored:
-- still_onboarding if active at $month_idx, else lost_before_value, counted
-- at their last active month). Only data up to $month_idx is used.
-- $by: 'segment' or 'quarter' (start quarter). Parameters: the filter,
-- $month_idx, $value_share, $by. Grain: one row per group and duration.
WITH acc AS (
    SELECT ja.account_key, ja.start_idx,
           group_value($by, ja.start_idx, c.segment, c.region, c.industry, c.csm_owner, c.extras) AS grp,
           time_to_value(ja.months, $value_share, $month_idx - ja.start_idx) AS ttv,
           ja.start_idx + list_max(list_transform(ja.months, lambda m: CASE WHEN m.k <= $month_idx - ja.start_idx
                                                                           THEN m.k END)) AS last_seen
    FROM journey_account ja
    JOIN combos c USING (combo_key)
    SEMI JOIN selected_combos($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) s
        ON s.combo_key = ja.combo_key
    WHERE NOT ja.installed AND ja.start_idx <= $month_idx
)
SELECT grp AS "group",
       CAST(coalesce(ttv, last_seen - start_idx) AS INTEGER) AS months,
       count(*) FILTER (WHERE ttv IS NOT NULL) AS reached,
       count(*) FILTER (WHERE ttv IS NULL AND last_seen = $month_idx) AS still_onboarding,
       count(*) FILTER (WHERE ttv IS NULL AND last_seen < $month_idx) AS lost_before_value
FROM acc
GROUP BY ALL
ORDER BY "group", months;
