-- The review decisions store (SQLite, beside the book but never replaced by a
-- load). Append-only: a new decision is a new row; the latest row per account
-- is its current decision. The triggers refuse edits and deletions, so the
-- history is what the meetings said.
CREATE TABLE IF NOT EXISTS decisions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id   TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('at risk', 'watch', 'healthy', 'expansion')),
    department   TEXT,
    next_action  TEXT,
    action_owner TEXT,
    due_date     TEXT,            -- YYYY-MM-DD
    note         TEXT,
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,   -- UTC, YYYY-MM-DDTHH:MM:SS+00:00
    book_month   TEXT,            -- the as-of month the room was looking at
    forecast_call TEXT CHECK (forecast_call IN ('commit', 'likely', 'at risk', 'lost'))
                                  -- the CSM's renewal call for the forecast; NULL: none made
);
CREATE INDEX IF NOT EXISTS decisions_by_account ON decisions (account_id, id);
CREATE TRIGGER IF NOT EXISTS decisions_no_update BEFORE UPDATE ON decisions
BEGIN SELECT RAISE(ABORT, 'review decisions are append-only'); END;
CREATE TRIGGER IF NOT EXISTS decisions_no_delete BEFORE DELETE ON decisions
BEGIN SELECT RAISE(ABORT, 'review decisions are append-only'); END;
