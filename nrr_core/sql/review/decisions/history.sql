-- One account's decisions, newest first.
SELECT * FROM decisions WHERE account_id = $account_id ORDER BY id DESC;
