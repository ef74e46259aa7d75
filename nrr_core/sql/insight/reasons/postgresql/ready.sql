-- Whether the churn_reasons table and its append-only trigger are already in place
-- (1) or not (0): a store whose tables a database administrator made, granting
-- the app's role only SELECT and INSERT, is used as it is, without the schema's
-- DDL (which only the tables' owner may run). Parameters: none.
SELECT count(*) FROM pg_trigger WHERE tgname = 'churn_reasons_append_only' AND tgrelid = to_regclass('churn_reasons');
