-- A writer's turn on the churn_reasons table (PostgreSQL): writers queue, so
-- ids are committed in order. Readers are not blocked. Parameters: none.
LOCK TABLE churn_reasons IN SHARE ROW EXCLUSIVE MODE;
