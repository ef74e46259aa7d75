-- First structural problem in a staged targets.csv, by record; no row if there
-- is none. Purpose: blanks and repeated keys; the values themselves (scope,
-- period, metric, target) are checked row by row by steering/targets.py
-- (Target.checked), the same check the app's form uses.
-- Grain of the file: one row per scope, scope_value, period and metric.
-- Parameters: none used (the loader passes its usual flags).
WITH checked AS (
    SELECT rec,
        CASE
            WHEN nullif(trim(scope), '') IS NULL THEN 'scope is blank (company, segment or csm_owner)'
            WHEN nullif(trim(period), '') IS NULL THEN 'period is blank (a quarter like 2026-Q1 or a year like 2026)'
            WHEN nullif(trim(metric), '') IS NULL THEN 'metric is blank (nrr, grr or logo_retention)'
            WHEN nullif(trim(target), '') IS NULL THEN 'target is blank (a fraction: 1.05 for 105%)'
            WHEN count(*) OVER key > 1 AND rec > min(rec) OVER key
                THEN 'the same scope, scope_value, period and metric appear on an earlier line'
        END AS problem
    FROM raw
    WINDOW key AS (PARTITION BY lower(trim(scope)), trim(coalesce(scope_value, '')), upper(trim(period)),
                                lower(trim(metric)))
)
SELECT rec, problem FROM checked WHERE problem IS NOT NULL ORDER BY rec LIMIT 1;
