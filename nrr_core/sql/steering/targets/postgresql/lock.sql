-- A writer's turn on the targets table (PostgreSQL): writers queue, so ids are
-- committed in order (the largest id is the latest). Parameters: none.
LOCK TABLE targets IN SHARE ROW EXCLUSIVE MODE;
