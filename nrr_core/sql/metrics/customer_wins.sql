-- The window's largest wins: selected accounts ranked by expansion plus
-- cross-sell MRR over $from_idx..$to_idx, at most $limit. Columns: account_id,
-- name, segment, expansion, cross_sell, gained (their sum).
SELECT a.account_id, a.name, a.segment,
       sum(m.expansion) AS expansion, sum(m.cross_sell) AS cross_sell,
       sum(m.expansion + m.cross_sell) AS gained
FROM account_month m
JOIN accounts a USING (account_key)
SEMI JOIN selected_combos($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) s
    ON s.combo_key = m.combo_key
WHERE m.month_idx BETWEEN $from_idx AND $to_idx
GROUP BY ALL
HAVING sum(m.expansion + m.cross_sell) > 0
ORDER BY gained DESC, a.account_id
LIMIT $limit;
