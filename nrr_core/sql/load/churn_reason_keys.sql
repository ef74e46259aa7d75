-- The churn-reason taxonomy's keys (nrr_core/insight/reasons.py REASONS) as a
-- temporary table, so validate_churn_reasons.sql can check a file against it.
-- Parameters: $keys (list of text). Grain: one row per reason key.
CREATE OR REPLACE TEMP TABLE churn_reason_keys AS SELECT unnest(CAST($keys AS VARCHAR[])) AS reason;
