-- One account's MRR by product line and month, over the whole data range
-- (zero where the product had no revenue), for its history chart.
SELECT month_label(s.month_idx) AS month, p.product, coalesce(m.mrr, 0) AS mrr
FROM spine s
CROSS JOIN (SELECT DISTINCT product_key FROM mrr
            WHERE account_key = (SELECT account_key FROM accounts WHERE account_id = $account_id)) k
JOIN products p ON p.product_key = k.product_key
LEFT JOIN mrr m ON m.product_key = k.product_key AND m.month_idx = s.month_idx
    AND m.account_key = (SELECT account_key FROM accounts WHERE account_id = $account_id)
ORDER BY s.month_idx, p.product;
