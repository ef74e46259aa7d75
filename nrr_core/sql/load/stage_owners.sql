-- owners.csv rows typed (after validate_owners.sql found none bad).
-- Grain: one row per account and from_month. No parameters.
CREATE TEMP TABLE stage_owners AS
SELECT trim(account_id) AS account_id, trim(csm_owner) AS csm_owner, month_index(from_month) AS from_idx
FROM raw;
