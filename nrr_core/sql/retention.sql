-- Trailing-twelve-month NRR, GRR and logo retention (metrics.md, "Retention").
-- Base B = selected accounts active 12 months before month m. One row per month
-- with a non-empty base; months without 12 months of history have no row.
SELECT r.month_idx,
       sum(r.mrr) / sum(r.base_mrr) AS nrr,
       sum(least(r.mrr, r.base_mrr)) / sum(r.base_mrr) AS grr,
       count(*) FILTER (WHERE r.mrr > 0) / count(*) AS logo_retention,
       sum(r.base_mrr) AS base_mrr,
       sum(r.mrr) AS retained_mrr,
       sum(least(r.mrr, r.base_mrr)) AS gross_retained_mrr,
       count(*) AS base_accounts,
       count(*) FILTER (WHERE r.mrr > 0) AS retained_accounts
FROM retention_base r
SEMI JOIN selected_accounts($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) s
    ON s.account_key = r.account_key
GROUP BY r.month_idx
ORDER BY r.month_idx;
