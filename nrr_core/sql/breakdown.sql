-- NRR, GRR, logo retention and ARR per value of one attribute at month $month_idx.
-- $by: segment, region, industry or csm_owner (or an extra attribute's name).
-- ARR counts accounts active at the month; the ratios use the 12-month base
-- (accounts active 12 months earlier), so a group with no base has NULL ratios.
WITH keyed AS (
    SELECT account_key, value
    FROM grouped_accounts($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count, $by)
    WHERE start_idx IS NOT NULL
), now AS (
    SELECT k.value, sum(m.mrr) * 12 AS arr, count(*) AS active_accounts
    FROM keyed k JOIN account_month m ON m.account_key = k.account_key
    WHERE m.month_idx = $month_idx AND m.mrr > 0
    GROUP BY ALL
), base AS (
    SELECT k.value,
           sum(r.mrr) / sum(r.base_mrr) AS nrr,
           sum(least(r.mrr, r.base_mrr)) / sum(r.base_mrr) AS grr,
           count(*) FILTER (WHERE r.mrr > 0) / count(*) AS logo_retention,
           count(*) AS base_accounts,
           sum(r.base_mrr) * 12 AS base_arr
    FROM keyed k JOIN retention_base r ON r.account_key = k.account_key
    WHERE r.month_idx = $month_idx
    GROUP BY ALL
)
SELECT value, coalesce(now.arr, 0) AS arr, coalesce(now.active_accounts, 0) AS active_accounts,
       base.nrr, base.grr, base.logo_retention, coalesce(base.base_accounts, 0) AS base_accounts,
       coalesce(base.base_arr, 0) AS base_arr
FROM now FULL JOIN base USING (value)
ORDER BY arr DESC, value;
