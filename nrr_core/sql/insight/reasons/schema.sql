-- Churn and contraction reasons, in the review decisions' SQLite file (never
-- replaced by a load). Idempotent: run before every write, so a store made
-- before this table existed gains it and keeps its decisions. Append-only
-- like decisions: a changed mind is a new row; the latest row per account and
-- loss month is the reason in force. Grain: one row per recorded reason.
CREATE TABLE IF NOT EXISTS churn_reasons (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id   TEXT NOT NULL,
    loss_month   TEXT NOT NULL,   -- YYYY-MM, the account's first loss month in the retrospective
    reason       TEXT NOT NULL,   -- a key of nrr_core/insight/reasons.py TAXONOMY (checked there)
    notes        TEXT,            -- exit-interview notes, untrusted text
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL    -- UTC, YYYY-MM-DDTHH:MM:SS+00:00
);
CREATE INDEX IF NOT EXISTS churn_reasons_by_account ON churn_reasons (account_id, loss_month, id);
CREATE TRIGGER IF NOT EXISTS churn_reasons_no_update BEFORE UPDATE ON churn_reasons
BEGIN SELECT RAISE(ABORT, 'churn reasons are append-only'); END;
CREATE TRIGGER IF NOT EXISTS churn_reasons_no_delete BEFORE DELETE ON churn_reasons
BEGIN SELECT RAISE(ABORT, 'churn reasons are append-only'); END;
