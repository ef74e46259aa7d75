-- The CSM owner history (optional owners.csv), built after build_book.sql on
-- the same connection (it reads the temporary account_keys and stage_owners).
-- Purpose: the steering scorecards freeze each CSM's book at a period's first
-- month with it (nrr_core/steering/scorecard.py). No parameters.
-- Grain: owner_history, one row per account and month from which an owner
-- held it (from_idx, a month index); empty when no owners.csv was given.
CREATE TABLE owner_history AS
SELECT k.account_key, o.csm_owner, CAST(o.from_idx AS INTEGER) AS from_idx
FROM stage_owners o JOIN account_keys k USING (account_id)
ORDER BY k.account_key, o.from_idx;
