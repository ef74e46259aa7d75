-- Self-check run by the loader before the new file replaces the old one:
-- months where the bridge identity fails (start + movements != end).
SELECT month_idx,
       sum(prev_mrr) AS starting_mrr,
       sum(new + expansion + cross_sell + contraction + churn + reactivation) AS movements,
       sum(mrr) AS ending_mrr
FROM account_month
GROUP BY month_idx
HAVING abs(sum(prev_mrr) + sum(new + expansion + cross_sell + contraction + churn + reactivation) - sum(mrr))
       > 1e-6 * greatest(1, sum(mrr))
ORDER BY month_idx;
