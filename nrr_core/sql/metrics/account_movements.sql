-- One account's months with a movement: MRR before and after and each movement.
SELECT month_label(m.month_idx) AS month, m.prev_mrr AS starting_mrr, m.new, m.expansion, m.cross_sell,
       m.contraction, m.churn, m.reactivation, m.mrr AS ending_mrr
FROM account_month m
WHERE m.account_key = (SELECT account_key FROM accounts WHERE account_id = $account_id)
  AND (m.new <> 0 OR m.expansion <> 0 OR m.cross_sell <> 0 OR m.contraction <> 0
       OR m.churn <> 0 OR m.reactivation <> 0)
ORDER BY m.month_idx;
