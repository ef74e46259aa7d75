-- First problem in the staged mrr.csv, by record; no row if it is clean.
-- Months are YYYY-MM or YYYY-MM-01; MRR a finite number >= 0.
WITH typed AS (
    SELECT rec, account_id, product, month, mrr,
           try_cast(trim(mrr) AS DOUBLE) AS amount
    FROM raw
), checked AS (
    SELECT rec,
        CASE
            WHEN nullif(trim(account_id), '') IS NULL THEN 'account_id is blank'
            WHEN nullif(trim(product), '') IS NULL THEN 'product is blank'
            WHEN NOT coalesce(regexp_full_match(trim(month), '\d{4}-(0[1-9]|1[0-2])(-01)?'), false)
                THEN 'month ''' || left(coalesce(month, ''), 40) || ''' is not a month like 2024-07 (or 2024-07-01)'
            WHEN nullif(trim(mrr), '') IS NULL THEN 'mrr is blank'
            WHEN amount IS NULL THEN 'mrr ''' || left(mrr, 40) || ''' is not a number'
            WHEN isnan(amount) OR isinf(amount) THEN 'mrr ''' || left(mrr, 40) || ''' is not a finite number'
            WHEN amount < 0 THEN 'mrr ' || trim(mrr) || ' is negative (MRR must be 0 or more)'
            WHEN NOT EXISTS (SELECT 1 FROM stage_accounts s WHERE s.account_id = trim(typed.account_id))
                THEN 'account_id ''' || left(trim(account_id), 40) || ''' is not in the accounts file'
        END AS problem
    FROM typed
)
SELECT rec, problem FROM checked WHERE problem IS NOT NULL ORDER BY rec LIMIT 1;
