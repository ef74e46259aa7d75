-- Subscription import without an accounts file: the customers are the accounts,
-- named by their id, with no attributes.
CREATE TEMP TABLE stage_accounts AS
SELECT DISTINCT account_id, account_id AS name, '(none)' AS segment, '(none)' AS region,
       '(none)' AS industry, '(none)' AS csm_owner, CAST(NULL AS DATE) AS renewal_date,
       CAST(NULL AS VARCHAR) AS executive_sponsor
FROM stage_periods;
CREATE TEMP TABLE stage_attributes (account_id VARCHAR, name VARCHAR, value VARCHAR);
