-- The load history (SQLite, history.sqlite beside the book; never replaced by
-- a load). One row per publish or rollback, appended in order: what was
-- published (the version id, whose kept copy is versions/v<version>.duckdb),
-- when, by whom, from which files (JSON: name, size, sha256), the book's row
-- counts and its headline figures at its as-of month. A rollback's row carries
-- the version it restored. Append-only: the triggers refuse deletions and every
-- change but one, marking a version's kept copy pruned (pruned 0 -> 1).
CREATE TABLE IF NOT EXISTS history (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    version         INTEGER NOT NULL,
    action          TEXT NOT NULL CHECK (action IN ('load', 'rollback')),
    published_at    TEXT NOT NULL,    -- UTC, YYYY-MM-DDTHH:MM:SS+00:00
    who             TEXT NOT NULL,
    files           TEXT NOT NULL,    -- JSON list of {"name", "size", "sha256"}
    accounts        INTEGER NOT NULL, -- accounts with revenue in the book
    mrr_rows        INTEGER NOT NULL, -- account-product-months with MRR
    first_month     TEXT NOT NULL,    -- YYYY-MM
    as_of           TEXT NOT NULL,    -- YYYY-MM
    months          INTEGER NOT NULL,
    arr             REAL NOT NULL,    -- at the as-of month
    nrr             REAL,             -- trailing 12 months at the as-of month; NULL without a base
    grr             REAL,
    logo_retention  REAL,
    load_id         TEXT NOT NULL,    -- the book's own load id (book.load_id)
    pruned          INTEGER NOT NULL DEFAULT 0 CHECK (pruned IN (0, 1))
);
CREATE INDEX IF NOT EXISTS history_by_version ON history (version, id);
CREATE TRIGGER IF NOT EXISTS history_no_delete BEFORE DELETE ON history
BEGIN SELECT RAISE(ABORT, 'the load history is append-only'); END;
CREATE TRIGGER IF NOT EXISTS history_no_edit
BEFORE UPDATE OF id, version, action, published_at, who, files, accounts, mrr_rows, first_month, as_of, months,
                 arr, nrr, grr, logo_retention, load_id ON history
BEGIN SELECT RAISE(ABORT, 'the load history is append-only'); END;
CREATE TRIGGER IF NOT EXISTS history_prune_only BEFORE UPDATE OF pruned ON history
WHEN NEW.pruned IS NOT 1
BEGIN SELECT RAISE(ABORT, 'the load history is append-only: a pruned version stays pruned'); END;
