-- Churn reasons loaded from a churn_reasons.csv (the demo book writes one).
-- No parameters. Grain: one row per imported reason.
SELECT a.account_id, month_label(r.month_idx) AS loss_month, r.reason, r.notes
FROM imported_churn_reasons r JOIN accounts a USING (account_key)
ORDER BY a.account_id, r.month_idx;
