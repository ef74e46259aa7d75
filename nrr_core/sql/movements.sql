-- Monthly MRR bridge for the selected accounts (metrics.md, "Movements").
-- One row per month of the whole data set, zeros where the selection has nothing.
-- Columns: month_idx, starting_mrr, new, expansion, cross_sell, contraction (<= 0),
-- churn (<= 0), reactivation, ending_mrr, and account counts for the same moves.
WITH picked AS (
    SELECT m.*
    FROM account_month m
    SEMI JOIN selected_accounts($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) s
        ON s.account_key = m.account_key
), monthly AS (
    SELECT month_idx,
           sum(prev_mrr) AS starting_mrr, sum(new) AS new, sum(expansion) AS expansion,
           sum(cross_sell) AS cross_sell, sum(contraction) AS contraction, sum(churn) AS churn,
           sum(reactivation) AS reactivation, sum(mrr) AS ending_mrr,
           count(*) FILTER (WHERE prev_mrr > 0) AS starting_accounts,
           count(*) FILTER (WHERE new > 0) AS new_accounts,
           count(*) FILTER (WHERE expansion + cross_sell > 0) AS expanded_accounts,
           count(*) FILTER (WHERE contraction < 0) AS contracted_accounts,
           count(*) FILTER (WHERE churn < 0) AS churned_accounts,
           count(*) FILTER (WHERE reactivation > 0) AS reactivated_accounts,
           count(*) FILTER (WHERE mrr > 0) AS ending_accounts
    FROM picked
    GROUP BY month_idx
)
SELECT s.month_idx,
       coalesce(starting_mrr, 0) AS starting_mrr, coalesce(new, 0) AS new,
       coalesce(expansion, 0) AS expansion, coalesce(cross_sell, 0) AS cross_sell,
       coalesce(contraction, 0) AS contraction, coalesce(churn, 0) AS churn,
       coalesce(reactivation, 0) AS reactivation, coalesce(ending_mrr, 0) AS ending_mrr,
       coalesce(starting_accounts, 0) AS starting_accounts, coalesce(new_accounts, 0) AS new_accounts,
       coalesce(expanded_accounts, 0) AS expanded_accounts, coalesce(contracted_accounts, 0) AS contracted_accounts,
       coalesce(churned_accounts, 0) AS churned_accounts, coalesce(reactivated_accounts, 0) AS reactivated_accounts,
       coalesce(ending_accounts, 0) AS ending_accounts
FROM spine s LEFT JOIN monthly USING (month_idx)
ORDER BY s.month_idx;
