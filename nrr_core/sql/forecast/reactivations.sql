-- Churned MRR that came back: every churn (metrics.md) in the book with the
-- account's first reactivation after it, if any. The forecast reads from it,
-- per months since the churn, the share of churned MRR that returned.
-- Parameters: none (the whole book, like the forecast's other rates).
-- Grain: one row per churn event (account, month). back_idx and regained are
-- NULL when the account has not come back by the as-of month.
WITH churns AS (
    SELECT account_key, month_idx AS churn_idx, -churn AS lost FROM account_month WHERE churn < 0
), returns AS (
    SELECT account_key, month_idx AS back_idx, reactivation AS regained FROM account_month WHERE reactivation > 0
)
SELECT c.churn_idx, c.lost, r.back_idx, r.regained
FROM churns c ASOF LEFT JOIN returns r ON c.account_key = r.account_key AND c.churn_idx < r.back_idx
ORDER BY c.churn_idx, c.account_key;
