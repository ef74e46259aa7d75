-- Every account's id and segment by its key, for the forecast's history
-- (account_months.sql carries only the key: an id per account-month would be
-- millions of strings on a large book). Parameters: none.
-- Grain: one row per account, ordered by account_key (1, 2, ... in account_id order).
SELECT account_key, account_id, segment FROM accounts ORDER BY account_key;
