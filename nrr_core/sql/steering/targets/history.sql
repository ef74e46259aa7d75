-- Every target entry, newest first (who set what, when).
-- Parameters: none. Grain: one row per entry.
SELECT id, scope, scope_value, period, metric, target, recorded_by, recorded_at, source
FROM targets ORDER BY id DESC;
