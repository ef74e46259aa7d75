-- Monthly MRR bridge for the selected accounts (metrics.md, "Movements").
-- One row per month of the whole data set, zeros where the selection has nothing.
-- Columns: month_idx, starting_mrr, new, expansion, cross_sell, contraction (<= 0),
-- churn (<= 0), reactivation, ending_mrr, and account counts for the same moves.
-- Sums of combo_month: a filter selects whole combos, so this is exact.
WITH monthly AS (
    SELECT month_idx,
           sum(starting_mrr) AS starting_mrr, sum(new) AS new, sum(expansion) AS expansion,
           sum(cross_sell) AS cross_sell, sum(contraction) AS contraction, sum(churn) AS churn,
           sum(reactivation) AS reactivation, sum(ending_mrr) AS ending_mrr,
           sum(starting_accounts) AS starting_accounts, sum(new_accounts) AS new_accounts,
           sum(expanded_accounts) AS expanded_accounts, sum(contracted_accounts) AS contracted_accounts,
           sum(churned_accounts) AS churned_accounts, sum(reactivated_accounts) AS reactivated_accounts,
           sum(ending_accounts) AS ending_accounts
    FROM combo_month m
    SEMI JOIN selected_combos($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) s
        ON s.combo_key = m.combo_key
    GROUP BY month_idx
)
SELECT s.month_idx,
       coalesce(starting_mrr, 0) AS starting_mrr, coalesce(new, 0) AS new,
       coalesce(expansion, 0) AS expansion, coalesce(cross_sell, 0) AS cross_sell,
       coalesce(contraction, 0) AS contraction, coalesce(churn, 0) AS churn,
       coalesce(reactivation, 0) AS reactivation, coalesce(ending_mrr, 0) AS ending_mrr,
       CAST(coalesce(starting_accounts, 0) AS BIGINT) AS starting_accounts,
       CAST(coalesce(new_accounts, 0) AS BIGINT) AS new_accounts,
       CAST(coalesce(expanded_accounts, 0) AS BIGINT) AS expanded_accounts,
       CAST(coalesce(contracted_accounts, 0) AS BIGINT) AS contracted_accounts,
       CAST(coalesce(churned_accounts, 0) AS BIGINT) AS churned_accounts,
       CAST(coalesce(reactivated_accounts, 0) AS BIGINT) AS reactivated_accounts,
       CAST(coalesce(ending_accounts, 0) AS BIGINT) AS ending_accounts
FROM spine s LEFT JOIN monthly USING (month_idx)
ORDER BY s.month_idx;
