-- How many typed mrr.csv rows have a problem (validate_mrr.sql says which is first).
SELECT count(*) AS problems
FROM stage_revenue
WHERE nullif(account_id, '') IS NULL OR nullif(product, '') IS NULL OR month_idx IS NULL
   OR mrr IS NULL OR isnan(mrr) OR isinf(mrr) OR mrr < 0
   OR account_id NOT IN (SELECT account_id FROM stage_accounts);
