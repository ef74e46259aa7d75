-- churn_reasons.csv rows typed (after validate_churn_reasons.sql found none bad).
-- No parameters. Grain: one row per file row (account_id, month_idx, reason, notes).
CREATE OR REPLACE TEMP TABLE stage_churn_reasons AS
SELECT trim(account_id) AS account_id, month_index(month) AS month_idx, trim(reason) AS reason,
       nullif(trim(notes), '') AS notes
FROM raw;
