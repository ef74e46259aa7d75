-- Selected accounts with revenue by month $month_idx (churned ones included,
-- ARR 0) whose name or id contains $search ('' = all; any case), largest ARR
-- first, at most $limit rows. mrr and arr at the month; nrr_12m = MRR now /
-- MRR 12 months earlier (NULL if the account was not active then); the last
-- movement up to the month with its net MRR change; product lines at the month.
WITH picked AS (
    SELECT a.*
    FROM accounts a
    SEMI JOIN selected_combos($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) s
        ON s.combo_key = a.combo_key
    WHERE a.start_idx <= $month_idx
      AND ($search = '' OR contains(lower(a.name), lower($search)) OR contains(lower(a.account_id), lower($search)))
), now AS (
    SELECT account_key, mrr, products FROM account_month WHERE month_idx = $month_idx
), ranked AS (
    SELECT p.*, coalesce(n.mrr, 0) AS mrr, coalesce(n.products, 0) AS products
    FROM picked p LEFT JOIN now n USING (account_key)
    ORDER BY mrr DESC, p.account_id
    LIMIT $limit
), last_move AS (
    SELECT account_key, arg_max(movement, month_idx) AS last_movement, max(month_idx) AS last_movement_idx,
           arg_max(change, month_idx) AS last_movement_mrr
    FROM account_moves
    WHERE month_idx <= $month_idx AND account_key IN (SELECT account_key FROM ranked)
    GROUP BY account_key
)
SELECT r.account_id, r.name, r.segment, r.region, r.industry, r.csm_owner,
       r.mrr, r.mrr * 12 AS arr,
       CASE WHEN g.mrr > 0 THEN r.mrr / g.mrr END AS nrr_12m,
       l.last_movement, month_label(l.last_movement_idx) AS last_movement_month, l.last_movement_mrr,
       r.renewal_date, r.executive_sponsor, r.products,
       month_label(r.start_idx) AS customer_since
FROM ranked r
LEFT JOIN (SELECT account_key, mrr FROM account_month WHERE month_idx = $month_idx - 12) g USING (account_key)
LEFT JOIN last_move l USING (account_key)
ORDER BY r.mrr DESC, r.account_id;
