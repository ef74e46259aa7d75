-- Whether this PostgreSQL store has the churn_reasons table yet (1 or 0), in
-- the connection's search path. Parameters: none.
SELECT CASE WHEN to_regclass('churn_reasons') IS NULL THEN 0 ELSE 1 END;
