-- First problem in the staged owners file (CSM owner history), by record; no
-- row if it is clean. Grain of the file: one row per account and month from
-- which an owner holds it (account_id, csm_owner, from_month).
-- Parameters: none used (the loader passes its usual flags).
WITH checked AS (
    SELECT rec,
        CASE
            WHEN nullif(trim(account_id), '') IS NULL THEN 'account_id is blank'
            WHEN nullif(trim(csm_owner), '') IS NULL THEN 'csm_owner is blank'
            WHEN month_problem('from_month', from_month) IS NOT NULL THEN month_problem('from_month', from_month)
            WHEN NOT EXISTS (SELECT 1 FROM stage_accounts s WHERE s.account_id = trim(raw.account_id))
                THEN 'account_id ''' || left(trim(account_id), 40) || ''' is not in the accounts file'
            WHEN count(*) OVER (PARTITION BY trim(account_id), left(trim(from_month), 7)) > 1
                 AND rec > min(rec) OVER (PARTITION BY trim(account_id), left(trim(from_month), 7))
                THEN 'account ''' || left(trim(account_id), 40) || ''' has more than one owner from '
                     || left(trim(from_month), 7)
        END AS problem
    FROM raw
)
SELECT rec, problem FROM checked WHERE problem IS NOT NULL ORDER BY rec LIMIT 1;
