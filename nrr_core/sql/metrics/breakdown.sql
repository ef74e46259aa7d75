-- NRR, GRR, logo retention and ARR per value of one attribute at month $month_idx.
-- $by: segment, region, industry or csm_owner (or an extra attribute's name).
-- ARR counts accounts active at the month; the ratios use the 12-month base
-- (accounts active 12 months earlier), so a group with no base has NULL ratios.
-- Sums of combo_month and combo_retention, exact for any filter.
WITH picked AS (
    SELECT c.*, group_value($by, NULL, c.segment, c.region, c.industry, c.csm_owner, c.extras) AS value
    FROM combos c
    SEMI JOIN selected_combos($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) s
        ON s.combo_key = c.combo_key
), now AS (
    SELECT p.value, sum(m.ending_mrr) * 12 AS arr, sum(m.ending_accounts) AS active_accounts
    FROM combo_month m JOIN picked p USING (combo_key)
    WHERE m.month_idx = $month_idx
    GROUP BY ALL
    HAVING sum(m.ending_accounts) > 0
), base AS (
    SELECT p.value,
           sum(r.retained_mrr) / sum(r.base_mrr) AS nrr,
           sum(r.gross_retained_mrr) / sum(r.base_mrr) AS grr,
           sum(r.retained_accounts) / sum(r.base_accounts) AS logo_retention,
           sum(r.base_accounts) AS base_accounts,
           sum(r.base_mrr) * 12 AS base_arr
    FROM combo_retention r JOIN picked p USING (combo_key)
    WHERE r.month_idx = $month_idx
    GROUP BY ALL
)
SELECT value, coalesce(now.arr, 0) AS arr, CAST(coalesce(now.active_accounts, 0) AS BIGINT) AS active_accounts,
       base.nrr, base.grr, base.logo_retention, CAST(coalesce(base.base_accounts, 0) AS BIGINT) AS base_accounts,
       coalesce(base.base_arr, 0) AS base_arr
FROM now FULL JOIN base USING (value)
ORDER BY arr DESC, value;
