-- The selected accounts that together make up the first 80 % of the selection's
-- MRR in month $month_idx (largest first; the account that crosses 80 % is
-- included), with their executive sponsor (NULL if none), their rank among all
-- selected accounts by MRR (1 = largest) and their own share of the selection's
-- MRR. Grain: one row per account.
WITH active AS (
    SELECT a.account_id, a.name, a.segment, a.csm_owner, a.executive_sponsor, m.mrr,
           sum(m.mrr) OVER (ORDER BY m.mrr DESC, a.account_id ROWS UNBOUNDED PRECEDING) AS running_mrr,
           row_number() OVER (ORDER BY m.mrr DESC, a.account_id) AS rank,
           sum(m.mrr) OVER () AS total_mrr
    FROM account_month m
    JOIN accounts a USING (account_key)
    SEMI JOIN selected_combos($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) c
        ON c.combo_key = a.combo_key
    WHERE m.month_idx = $month_idx AND m.mrr > 0
)
SELECT account_id, name, segment, csm_owner, executive_sponsor, mrr * 12 AS arr, rank,
       mrr / total_mrr AS arr_share, running_mrr / total_mrr AS cumulative_share
FROM active
WHERE running_mrr - mrr < 0.8 * total_mrr
ORDER BY mrr DESC, account_id;
