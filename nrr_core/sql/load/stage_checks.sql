-- Checks shared by the validation queries of one load (temporary macros on the
-- loader's connection). Each returns the problem in words, or NULL if the value
-- is fine; `what` is the column name used in the message.

-- A month: YYYY-MM or YYYY-MM-01.
CREATE TEMP MACRO month_problem(what, v) AS
    CASE WHEN NOT coalesce(regexp_full_match(trim(v), '\d{4}-(0[1-9]|1[0-2])(-01)?'), false)
         THEN what || ' ''' || left(coalesce(v, ''), 40) || ''' is not a month like 2024-07 (or 2024-07-01)' END;

-- The month index (year * 12 + month - 1) of a month text; NULL if it is not a
-- month (month_problem says why).
CREATE TEMP MACRO month_index(v) AS
    CASE WHEN month_problem('month', v) IS NULL
         THEN CAST(substr(trim(v), 1, 4) AS INTEGER) * 12 + CAST(substr(trim(v), 6, 2) AS INTEGER) - 1 END;

-- An amount of MRR: a finite number >= 0.
CREATE TEMP MACRO amount_problem(what, v) AS
    CASE WHEN nullif(trim(v), '') IS NULL THEN what || ' is blank'
         WHEN try_cast(trim(v) AS DOUBLE) IS NULL THEN what || ' ''' || left(v, 40) || ''' is not a number'
         WHEN isnan(try_cast(trim(v) AS DOUBLE)) OR isinf(try_cast(trim(v) AS DOUBLE))
             THEN what || ' ''' || left(v, 40) || ''' is not a finite number'
         WHEN try_cast(trim(v) AS DOUBLE) < 0 THEN what || ' ' || trim(v) || ' is negative (MRR must be 0 or more)' END;

-- An optional count: blank, or a whole number >= 0.
CREATE TEMP MACRO count_problem(what, v) AS
    CASE WHEN nullif(trim(v), '') IS NOT NULL AND coalesce(try_cast(trim(v) AS BIGINT), -1) < 0
         THEN what || ' ''' || left(v, 40) || ''' is not a whole number >= 0' END;

