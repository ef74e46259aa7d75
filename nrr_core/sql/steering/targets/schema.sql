-- The targets store (SQLite, targets.sqlite beside the decisions store; never
-- replaced by a load). Purpose: NRR, GRR and logo-retention targets for the
-- company, a segment or a CSM owner, per quarter (2026-Q1) or year (2026).
-- Grain: one row per entry. Append-only: a changed target is a new row; the
-- latest row per (scope, scope_value, period, metric) is in force. The
-- triggers refuse edits and deletions. Values are checked by
-- nrr_core/steering/targets.py (Target.checked) before they are written.
CREATE TABLE IF NOT EXISTS targets (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    scope        TEXT NOT NULL,   -- company | segment | csm_owner
    scope_value  TEXT NOT NULL,   -- '' for the company
    period       TEXT NOT NULL,   -- 2026-Q1 or 2026
    metric       TEXT NOT NULL,   -- nrr | grr | logo_retention
    target       REAL NOT NULL,   -- a fraction: 1.05 = 105 %
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,   -- UTC, YYYY-MM-DDTHH:MM:SS+00:00
    source       TEXT NOT NULL    -- 'app' or the loaded file's name
);
CREATE INDEX IF NOT EXISTS targets_by_key ON targets (scope, scope_value, period, metric, id);
CREATE TRIGGER IF NOT EXISTS targets_no_update BEFORE UPDATE ON targets
BEGIN SELECT RAISE(ABORT, 'targets are append-only'); END;
CREATE TRIGGER IF NOT EXISTS targets_no_delete BEFORE DELETE ON targets
BEGIN SELECT RAISE(ABORT, 'targets are append-only'); END;
