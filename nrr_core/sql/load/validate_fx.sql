-- First problem in the staged fx file (raw, numbered), by record; no row if it
-- is clean. One constant rate per currency: units of the reporting currency
-- per unit of the line's currency, a finite number > 0. No parameters.
-- Grain: at most one row (rec, problem).
WITH typed AS (
    SELECT rec, currency, rate, upper(trim(currency)) AS code, try_cast(trim(rate) AS DOUBLE) AS value
    FROM raw
), checked AS (
    SELECT rec,
        CASE
            WHEN nullif(code, '') IS NULL THEN 'currency is blank'
            WHEN nullif(trim(rate), '') IS NULL THEN 'rate is blank'
            WHEN value IS NULL THEN 'rate ''' || left(rate, 40) || ''' is not a number'
            WHEN isnan(value) OR isinf(value) OR value <= 0
                THEN 'rate ''' || left(rate, 40) || ''' is not a number above 0'
            WHEN count(*) OVER (PARTITION BY code) > 1 AND rec > min(rec) OVER (PARTITION BY code)
                THEN 'currency ''' || left(code, 40) || ''' appears more than once (one constant rate per currency)'
        END AS problem
    FROM typed
)
SELECT rec, problem FROM checked WHERE problem IS NOT NULL ORDER BY rec LIMIT 1;
