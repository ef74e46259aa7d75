-- The validated fx file as rates: one row per upper-cased currency code;
-- rate = units of the reporting currency per unit. No parameters.
CREATE TEMP TABLE stage_fx AS
SELECT upper(trim(currency)) AS currency, CAST(trim(rate) AS DOUBLE) AS rate FROM raw;
