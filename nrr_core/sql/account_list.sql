-- One row per selected account that had revenue by month $month_idx (churned
-- ones included, ARR 0) whose name or id contains $search ('' = all; any case).
-- arr and mrr at the month; nrr_12m = MRR now / MRR 12 months earlier (NULL if
-- the account was not active then); the last non-zero movement up to the
-- month, with its net amount; products at the month.
WITH picked AS (
    SELECT a.*
    FROM accounts a
    SEMI JOIN selected_accounts($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) s
        ON s.account_key = a.account_key
    WHERE a.start_idx <= $month_idx
      AND ($search = '' OR contains(lower(a.name), lower($search)) OR contains(lower(a.account_id), lower($search)))
), moved AS (
    SELECT account_key, month_idx, mrr - prev_mrr AS change,
           CASE WHEN new > 0 THEN 'new'
                WHEN reactivation > 0 THEN 'reactivation'
                WHEN churn < 0 THEN 'churn'
                WHEN cross_sell > 0 AND cross_sell >= greatest(expansion, -contraction) THEN 'cross_sell'
                WHEN expansion > 0 AND expansion >= -contraction THEN 'expansion'
                ELSE 'contraction' END AS movement
    FROM account_month
    WHERE month_idx <= $month_idx
      AND (new <> 0 OR expansion <> 0 OR cross_sell <> 0 OR contraction <> 0 OR churn <> 0 OR reactivation <> 0)
), last_move AS (
    SELECT account_key, arg_max(movement, month_idx) AS last_movement,
           max(month_idx) AS last_movement_idx, arg_max(change, month_idx) AS last_movement_mrr
    FROM moved GROUP BY account_key
), products_now AS (
    SELECT account_key, count(*) AS products FROM mrr WHERE month_idx = $month_idx GROUP BY account_key
)
SELECT p.account_id, p.name, p.segment, p.region, p.industry, p.csm_owner,
       coalesce(n.mrr, 0) AS mrr,
       coalesce(n.mrr, 0) * 12 AS arr,
       CASE WHEN g.mrr > 0 THEN coalesce(n.mrr, 0) / g.mrr END AS nrr_12m,
       l.last_movement, month_label(l.last_movement_idx) AS last_movement_month, l.last_movement_mrr,
       p.renewal_date, p.executive_sponsor, coalesce(pr.products, 0) AS products,
       month_label(p.start_idx) AS customer_since
FROM picked p
LEFT JOIN (SELECT account_key, mrr FROM account_month WHERE month_idx = $month_idx) n USING (account_key)
LEFT JOIN (SELECT account_key, mrr FROM account_month WHERE month_idx = $month_idx - 12) g USING (account_key)
LEFT JOIN last_move l USING (account_key)
LEFT JOIN products_now pr USING (account_key)
ORDER BY arr DESC, p.account_id;
