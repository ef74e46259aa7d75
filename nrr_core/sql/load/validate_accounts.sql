-- First problem in the staged accounts file, by record; no row if it is clean.
-- $name_required / $segment_required: accounts.csv needs both, a customers file neither.
WITH checked AS (
    SELECT rec,
        CASE
            WHEN nullif(trim(account_id), '') IS NULL THEN 'account_id is blank'
            WHEN $name_required AND nullif(trim(name), '') IS NULL THEN 'name is blank'
            WHEN $segment_required AND nullif(trim(segment), '') IS NULL THEN 'segment is blank'
            WHEN nullif(trim(renewal_date), '') IS NOT NULL
                 AND try_strptime(trim(renewal_date), '%Y-%m-%d') IS NULL
                THEN 'renewal_date ''' || left(renewal_date, 40) || ''' is not a date like 2026-03-31'
            WHEN count(*) OVER (PARTITION BY trim(account_id)) > 1
                 AND rec > min(rec) OVER (PARTITION BY trim(account_id))
                THEN 'account_id ''' || left(trim(account_id), 40) || ''' appears more than once (each account needs one row)'
        END AS problem
    FROM raw
)
SELECT rec, problem FROM checked WHERE problem IS NOT NULL ORDER BY rec LIMIT 1;
