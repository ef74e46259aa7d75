-- A writer's turn on the decisions table (PostgreSQL), taken first in each
-- write transaction: writers queue as SQLite's BEGIN IMMEDIATE makes them, so
-- ids are committed in order (the largest id is the latest). Readers are not
-- blocked. Parameters: none.
LOCK TABLE decisions IN SHARE ROW EXCLUSIVE MODE;
