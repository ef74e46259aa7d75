-- Subscription import without an accounts file: the customers are the accounts,
-- named by their id, with no attributes.
INSERT INTO stage_accounts
SELECT DISTINCT account_id, account_id, '(none)', '(none)', '(none)', '(none)', CAST(NULL AS DATE),
       CAST(NULL AS VARCHAR)
FROM stage_periods;
