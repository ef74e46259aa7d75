-- How many typed signals rows have a problem (validate_signals.sql says which is first).
SELECT (SELECT count(*) FROM stage_signals
        WHERE nullif(account_id, '') IS NULL OR month_idx IS NULL OR NOT values_ok
           OR account_id NOT IN (SELECT account_id FROM stage_accounts))
     + (SELECT count(*) - count(DISTINCT (account_id, month_idx)) FROM stage_signals) AS problems;
