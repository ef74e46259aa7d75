-- The targets in force: the latest entry per scope, scope_value, period and
-- metric (ids grow with time, so the largest id is the latest).
-- Parameters: none. Grain: one row per (scope, scope_value, period, metric).
SELECT t.scope, t.scope_value, t.period, t.metric, t.target, t.recorded_by, t.recorded_at, t.source, n.entries
FROM targets t
JOIN (SELECT max(id) AS id, count(*) AS entries FROM targets
      GROUP BY scope, scope_value, period, metric) n USING (id)
ORDER BY t.period, CASE t.scope WHEN 'company' THEN 0 WHEN 'segment' THEN 1 ELSE 2 END, t.scope_value,
         CASE t.metric WHEN 'nrr' THEN 0 WHEN 'grr' THEN 1 ELSE 2 END;
