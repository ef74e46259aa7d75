-- Append one churn reason; returns its id. Parameters: the ChurnReason fields and $recorded_at.
INSERT INTO churn_reasons (account_id, loss_month, reason, notes, recorded_by, recorded_at)
VALUES ($account_id, $loss_month, $reason, $notes, $recorded_by, $recorded_at)
RETURNING id;
