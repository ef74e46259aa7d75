-- First problem in the staged signals file, by record; no row if it is clean.
-- Counts are whole numbers >= 0 or blank; nps is 0..10 or blank (no response).
WITH checked AS (
    SELECT rec,
        CASE
            WHEN nullif(trim(account_id), '') IS NULL THEN 'account_id is blank'
            WHEN nullif(trim(nps), '') IS NOT NULL AND coalesce(try_cast(trim(nps) AS BIGINT), -1) NOT BETWEEN 0 AND 10
                THEN 'nps ''' || left(nps, 40) || ''' is not a score from 0 to 10'
            WHEN count(*) OVER (PARTITION BY trim(account_id), left(trim(month), 7)) > 1
                 AND rec > min(rec) OVER (PARTITION BY trim(account_id), left(trim(month), 7))
                THEN 'account ''' || left(trim(account_id), 40) || ''' has more than one signals row for ' || left(trim(month), 7)
            ELSE coalesce(month_problem('month', month), count_problem('seats_licensed', seats_licensed),
                          count_problem('active_users', active_users),
                          count_problem('support_tickets', support_tickets),
                          CASE WHEN NOT EXISTS (SELECT 1 FROM stage_accounts s WHERE s.account_id = trim(raw.account_id))
                               THEN 'account_id ''' || left(trim(account_id), 40) || ''' is not in the accounts file' END)
        END AS problem
    FROM raw
)
SELECT rec, problem FROM checked WHERE problem IS NOT NULL ORDER BY rec LIMIT 1;
