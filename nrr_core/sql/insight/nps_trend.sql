-- NPS and survey response rate per month and segment of the selected accounts:
-- responses (answers with a score), promoters (score ≥ 9), detractors (≤ 6),
-- active_accounts (MRR > 0 that month). NPS = (promoters − detractors) /
-- responses; response rate = responses / active accounts (at most one answer
-- per account and month). Reads the load's per-combination counts (nps_month).
-- Parameters: the filter.
-- Grain: one row per month and segment with active accounts.
WITH sel AS (
    SELECT c.combo_key, c.segment FROM combos c
    SEMI JOIN selected_combos($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) s
        ON s.combo_key = c.combo_key
), active AS (
    SELECT m.month_idx, s.segment, sum(m.ending_accounts) AS active_accounts
    FROM combo_month m JOIN sel s USING (combo_key)
    GROUP BY ALL
), answers AS (
    SELECT n.month_idx, s.segment, sum(n.responses) AS responses,
           sum(n.promoters) AS promoters, sum(n.detractors) AS detractors
    FROM nps_month n JOIN sel s USING (combo_key)
    GROUP BY ALL
)
SELECT month_label(x.month_idx) AS month, x.segment, CAST(x.active_accounts AS BIGINT) AS active_accounts,
       CAST(coalesce(n.responses, 0) AS BIGINT) AS responses, CAST(coalesce(n.promoters, 0) AS BIGINT) AS promoters,
       CAST(coalesce(n.detractors, 0) AS BIGINT) AS detractors
FROM active x LEFT JOIN answers n USING (month_idx, segment)
WHERE x.active_accounts > 0
ORDER BY x.month_idx, x.segment;
