-- The trigger function behind every append-only table of a PostgreSQL store
-- (decisions, churn_reasons, targets): it refuses the statement with the
-- message its trigger passes (TG_ARGV[0], e.g. 'review decisions are
-- append-only'). Run by nrr_core/stores.py before the stores' schemas, in the
-- same transaction; the advisory lock (held to its end) makes app servers
-- starting at once take turns. Parameters: none. Grain: one function.
SELECT pg_advisory_xact_lock(hashtext('nrr store schema'));
CREATE OR REPLACE FUNCTION nrr_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation';
END
$$;
