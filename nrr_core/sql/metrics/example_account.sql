-- The account that best illustrates the window $from_idx..$to_idx: among the
-- selected accounts active just before the window, the one with the most kinds
-- of movement in it (ties: the larger starting MRR, then the id). At most one row.
SELECT a.account_id
FROM account_month m
JOIN accounts a USING (account_key)
SEMI JOIN selected_combos($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) s
    ON s.combo_key = m.combo_key
WHERE m.month_idx BETWEEN $from_idx AND $to_idx
GROUP BY a.account_id
HAVING max(m.prev_mrr) FILTER (WHERE m.month_idx = $from_idx) > 0
ORDER BY (max(CASE WHEN m.expansion <> 0 THEN 1 ELSE 0 END) + max(CASE WHEN m.cross_sell <> 0 THEN 1 ELSE 0 END)
          + max(CASE WHEN m.contraction <> 0 THEN 1 ELSE 0 END) + max(CASE WHEN m.churn <> 0 THEN 1 ELSE 0 END)
          + max(CASE WHEN m.reactivation <> 0 THEN 1 ELSE 0 END)) DESC,
         max(m.prev_mrr) FILTER (WHERE m.month_idx = $from_idx) DESC,
         a.account_id
LIMIT 1;
