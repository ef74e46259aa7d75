-- First problem in the staged mrr.csv, by record; no row if it is clean.
-- Months are YYYY-MM or YYYY-MM-01; MRR a finite number >= 0 (stage_checks.sql).
WITH checked AS (
    SELECT rec,
        CASE
            WHEN nullif(trim(account_id), '') IS NULL THEN 'account_id is blank'
            WHEN nullif(trim(product), '') IS NULL THEN 'product is blank'
            ELSE coalesce(month_problem('month', month), amount_problem('mrr', mrr),
                          CASE WHEN NOT EXISTS (SELECT 1 FROM stage_accounts s WHERE s.account_id = trim(raw.account_id))
                               THEN 'account_id ''' || left(trim(account_id), 40) || ''' is not in the accounts file' END)
        END AS problem
    FROM raw
)
SELECT rec, problem FROM checked WHERE problem IS NOT NULL ORDER BY rec LIMIT 1;
