-- The accounts behind a movement bar: each selected account's sum of movement
-- $movement over months $from_idx..$to_idx, non-zero only, largest first by size.
-- With $existing_only, only accounts active just before the window (NRR bridge).
-- The amounts add up to the bar's value.
WITH picked AS (
    SELECT m.account_key, m.month_idx, m.prev_mrr,
           CASE $movement
               WHEN 'new' THEN m.new WHEN 'expansion' THEN m.expansion
               WHEN 'cross_sell' THEN m.cross_sell WHEN 'contraction' THEN m.contraction
               WHEN 'churn' THEN m.churn WHEN 'reactivation' THEN m.reactivation
           END AS amount
    FROM account_month m
    SEMI JOIN selected_combos($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) s
        ON s.combo_key = m.combo_key
    WHERE m.month_idx BETWEEN $from_idx AND $to_idx
), scoped AS (
    SELECT * FROM picked
    WHERE NOT $existing_only
       OR account_key IN (SELECT account_key FROM picked WHERE month_idx = $from_idx AND prev_mrr > 0)
)
SELECT a.account_id, a.name, a.segment, a.region, a.csm_owner,
       sum(s.amount) AS amount, count(*) FILTER (WHERE s.amount <> 0) AS months
FROM scoped s JOIN accounts a USING (account_key)
GROUP BY ALL
HAVING sum(s.amount) <> 0
ORDER BY abs(sum(s.amount)) DESC, a.account_id;
