-- A writer's turn on the decisions table (PostgreSQL), taken first in each write
-- transaction and held to its end: writers queue as SQLite's BEGIN IMMEDIATE
-- makes them (up to the connection's lock_timeout), so ids are committed in
-- order and the largest id is the latest. An advisory lock, not LOCK TABLE:
-- that needs UPDATE or DELETE rights, which the app's role need not have.
-- Readers are not blocked. Parameters: none.
SELECT pg_advisory_xact_lock(hashtext('nrr writer: decisions'));
