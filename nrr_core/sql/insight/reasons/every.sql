-- Every recorded churn reason, oldest first. No parameters. Grain: one row per reason recorded.
SELECT id, account_id, loss_month, reason, notes, recorded_by, recorded_at FROM churn_reasons ORDER BY id;
