-- First problem in the staged subscriptions file, by record; no row if it is clean.
-- Dates are YYYY-MM-DD; end_date is exclusive and may be blank (ongoing).
WITH typed AS (
    SELECT rec, account_id, start_date, end_date, monthly_amount,
           try_strptime(trim(start_date), '%Y-%m-%d') AS starts,
           try_strptime(trim(end_date), '%Y-%m-%d') AS ends
    FROM raw
), checked AS (
    SELECT rec,
        CASE
            WHEN nullif(trim(account_id), '') IS NULL THEN 'customer_id is blank'
            WHEN starts IS NULL THEN 'start_date ''' || left(coalesce(start_date, ''), 40) || ''' is not a date like 2024-07-01'
            WHEN nullif(trim(end_date), '') IS NOT NULL AND ends IS NULL
                THEN 'end_date ''' || left(end_date, 40) || ''' is not a date like 2024-07-01'
            WHEN ends < starts THEN 'end_date ' || trim(end_date) || ' is before start_date ' || trim(start_date)
            ELSE coalesce(amount_problem('monthly_amount', monthly_amount),
                          CASE WHEN $accounts_given THEN CASE WHEN NOT EXISTS (SELECT 1 FROM stage_accounts s WHERE s.account_id = trim(typed.account_id))
                               THEN 'customer_id ''' || left(trim(account_id), 40) || ''' is not in the accounts file' END END)
        END AS problem
    FROM typed
)
SELECT rec, problem FROM checked WHERE problem IS NOT NULL ORDER BY rec LIMIT 1;
