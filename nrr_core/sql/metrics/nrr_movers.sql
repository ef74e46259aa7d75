-- What moved net retention over $from_idx..$to_idx: selected accounts active
-- just before the window (the NRR bridge population), their MRR then and at
-- the window's end, and their contribution to the window's NRR as a fraction
-- of the base: change / total starting MRR (all contributions sum to the
-- bridge's NRR - 1). Only accounts whose MRR changed; the $limit largest gains
-- then the $limit largest losses.
WITH base AS (
    SELECT m.account_key, m.prev_mrr AS start_mrr
    FROM account_month m
    SEMI JOIN selected_combos($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) s
        ON s.combo_key = m.combo_key
    WHERE m.month_idx = $from_idx AND m.prev_mrr > 0
), scored AS (
    SELECT b.account_key, b.start_mrr, coalesce(e.mrr, 0) AS end_mrr,
           coalesce(e.mrr, 0) - b.start_mrr AS change,
           (coalesce(e.mrr, 0) - b.start_mrr) / sum(b.start_mrr) OVER () AS nrr_contribution
    FROM base b
    LEFT JOIN (SELECT account_key, mrr FROM account_month WHERE month_idx = $to_idx) e USING (account_key)
), picked AS (
    (SELECT * FROM scored WHERE change > 0 ORDER BY change DESC, account_key LIMIT $limit)
    UNION ALL
    (SELECT * FROM scored WHERE change < 0 ORDER BY change ASC, account_key LIMIT $limit)
)
SELECT a.account_id, a.name, a.segment, a.csm_owner, p.start_mrr, p.end_mrr, p.change, p.nrr_contribution
FROM picked p JOIN accounts a USING (account_key)
ORDER BY p.change DESC, a.account_id;
