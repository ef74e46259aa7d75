-- One account's attributes and current figures.
SELECT account_id, name, segment, region, industry, csm_owner, renewal_date, executive_sponsor,
       month_label(start_idx) AS customer_since, current_mrr * 12 AS arr
FROM accounts WHERE account_id = $account_id;
