-- First problem in the staged signals file, by record; no row if it is clean.
-- Counts are whole numbers >= 0 or blank; nps is 0..10 or blank (no response).
WITH checked AS (
    SELECT rec,
        CASE
            WHEN nullif(trim(account_id), '') IS NULL THEN 'account_id is blank'
            WHEN NOT coalesce(regexp_full_match(trim(month), '\d{4}-(0[1-9]|1[0-2])(-01)?'), false)
                THEN 'month ''' || left(coalesce(month, ''), 40) || ''' is not a month like 2024-07 (or 2024-07-01)'
            WHEN nullif(trim(seats_licensed), '') IS NOT NULL AND coalesce(try_cast(trim(seats_licensed) AS BIGINT), -1) < 0
                THEN 'seats_licensed ''' || left(seats_licensed, 40) || ''' is not a whole number >= 0'
            WHEN nullif(trim(active_users), '') IS NOT NULL AND coalesce(try_cast(trim(active_users) AS BIGINT), -1) < 0
                THEN 'active_users ''' || left(active_users, 40) || ''' is not a whole number >= 0'
            WHEN nullif(trim(support_tickets), '') IS NOT NULL AND coalesce(try_cast(trim(support_tickets) AS BIGINT), -1) < 0
                THEN 'support_tickets ''' || left(support_tickets, 40) || ''' is not a whole number >= 0'
            WHEN nullif(trim(nps), '') IS NOT NULL AND coalesce(try_cast(trim(nps) AS BIGINT), -1) NOT BETWEEN 0 AND 10
                THEN 'nps ''' || left(nps, 40) || ''' is not a score from 0 to 10'
            WHEN NOT EXISTS (SELECT 1 FROM stage_accounts s WHERE s.account_id = trim(raw.account_id))
                THEN 'account_id ''' || left(trim(account_id), 40) || ''' is not in the accounts file'
            WHEN count(*) OVER (PARTITION BY trim(account_id), left(trim(month), 7)) > 1
                 AND rec > min(rec) OVER (PARTITION BY trim(account_id), left(trim(month), 7))
                THEN 'account ''' || left(trim(account_id), 40) || ''' has more than one signals row for ' || left(trim(month), 7)
        END AS problem
    FROM raw
)
SELECT rec, problem FROM checked WHERE problem IS NOT NULL ORDER BY rec LIMIT 1;
