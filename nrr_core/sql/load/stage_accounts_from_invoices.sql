-- Accounts from invoice lines: the customers billed by lines starting in or
-- before the as-of month that have no row in the accounts file (or all of
-- them when there is no accounts file) are added with their id as name and
-- '(none)' for segment and every other attribute. Then, where the accounts
-- file gave no renewal_date, the renewal date is derived: the (exclusive)
-- service_period_end of the account's `subscription` line (prorated or not)
-- with the latest end, among its lines starting in or before the as-of month.
-- Parameters: $as_of_idx. Fills added_accounts (the ids added, for the count).
CREATE TEMP TABLE added_accounts AS
SELECT DISTINCT l.account_id
FROM invoice_lines l
WHERE year(l.starts) * 12 + month(l.starts) - 1 <= $as_of_idx
  AND NOT EXISTS (SELECT 1 FROM stage_accounts a WHERE a.account_id = l.account_id);

-- Every account has every extra attribute (stage_attributes.sql): '(none)' for the added ones.
INSERT INTO stage_attributes
SELECT n.account_id, x.name, '(none)'
FROM added_accounts n, (SELECT DISTINCT name FROM stage_attributes) x;

INSERT INTO stage_accounts
SELECT account_id, account_id, '(none)', '(none)', '(none)', '(none)', CAST(NULL AS DATE), CAST(NULL AS VARCHAR)
FROM added_accounts;

UPDATE stage_accounts
SET renewal_date = d.renewal_date
FROM (SELECT account_id, max(ends) AS renewal_date
      FROM invoice_lines
      WHERE line_type = 'subscription' AND year(starts) * 12 + month(starts) - 1 <= $as_of_idx
      GROUP BY account_id) d
WHERE stage_accounts.account_id = d.account_id AND stage_accounts.renewal_date IS NULL;
