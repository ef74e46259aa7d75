-- First problem in the staged churn_reasons.csv, by record; no row if it is clean.
-- account_id must be in the accounts file, month a month, reason one of the
-- taxonomy's keys (churn_reason_keys.sql); notes are free text.
WITH checked AS (
    SELECT rec,
        CASE
            WHEN nullif(trim(account_id), '') IS NULL THEN 'account_id is blank'
            WHEN month_problem('month', month) IS NOT NULL THEN month_problem('month', month)
            WHEN trim(reason) NOT IN (SELECT reason FROM churn_reason_keys)
                THEN 'reason ''' || left(coalesce(reason, ''), 40) || ''' is not one of: '
                     || (SELECT string_agg(reason, ', ' ORDER BY reason) FROM churn_reason_keys)
            WHEN NOT EXISTS (SELECT 1 FROM stage_accounts s WHERE s.account_id = trim(raw.account_id))
                THEN 'account_id ''' || left(trim(account_id), 40) || ''' is not in the accounts file'
        END AS problem
    FROM raw
)
SELECT rec, problem FROM checked WHERE problem IS NOT NULL ORDER BY rec LIMIT 1;
