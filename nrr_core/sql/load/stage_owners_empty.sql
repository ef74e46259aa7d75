-- No owners.csv: an empty owner history (every account keeps its current owner).
-- Grain: none (no rows). No parameters.
CREATE TEMP TABLE stage_owners (account_id VARCHAR, csm_owner VARCHAR, from_idx INTEGER);
