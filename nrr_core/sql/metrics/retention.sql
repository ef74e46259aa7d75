-- Trailing-twelve-month NRR, GRR and logo retention (metrics.md, "Retention").
-- Base B = selected accounts active 12 months before month m. One row per month
-- with a non-empty base; months without 12 months of history have no row.
-- Sums of combo_retention: a filter selects whole combos, so this is exact.
SELECT r.month_idx,
       sum(r.retained_mrr) / sum(r.base_mrr) AS nrr,
       sum(r.gross_retained_mrr) / sum(r.base_mrr) AS grr,
       sum(r.retained_accounts) / sum(r.base_accounts) AS logo_retention,
       sum(r.base_mrr) AS base_mrr,
       sum(r.retained_mrr) AS retained_mrr,
       sum(r.gross_retained_mrr) AS gross_retained_mrr,
       CAST(sum(r.base_accounts) AS BIGINT) AS base_accounts,
       CAST(sum(r.retained_accounts) AS BIGINT) AS retained_accounts
FROM combo_retention r
SEMI JOIN selected_combos($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) s
    ON s.combo_key = r.combo_key
GROUP BY r.month_idx
ORDER BY r.month_idx;
