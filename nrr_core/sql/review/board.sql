-- The review board's candidates: every selected account with revenue in month
-- $month_idx, with its point-in-time scores and factors (account_scores in
-- build_book.sql, weights $weights), the figures the board shows, and the days
-- from $today (the day after the month) to its renewal date.
-- Grain: one row per account. nrr_12m = MRR now / MRR 12 months earlier (NULL
-- if the account was not active then); last movement up to the month.
WITH scored AS (
    SELECT s.*, a.account_id, a.name, a.segment, a.region, a.industry, a.csm_owner,
           a.executive_sponsor, a.renewal_date
    FROM account_scores($month_idx, $month_idx, $weights) s
    JOIN accounts a USING (account_key)
    SEMI JOIN selected_combos($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) c
        ON c.combo_key = a.combo_key
), last_move AS (
    SELECT account_key, arg_max(movement, month_idx) AS last_movement, max(month_idx) AS last_movement_idx
    FROM account_moves
    WHERE month_idx <= $month_idx AND account_key IN (SELECT account_key FROM scored)
    GROUP BY account_key
)
SELECT s.account_id, s.name, s.segment, s.region, s.industry, s.csm_owner, s.executive_sponsor,
       s.mrr, s.mrr * 12 AS arr,
       CASE WHEN g.mrr > 0 THEN s.mrr / g.mrr END AS nrr_12m,
       l.last_movement, month_label(l.last_movement_idx) AS last_movement_month,
       s.renewal_date, date_diff('day', CAST($today AS DATE), s.renewal_date) AS days_to_renewal,
       s.risk_score, s.expansion_score,
       s.usage_drop, s.low_utilisation, s.recent_contraction, s.product_dropped, s.detractor,
       s.ticket_spike, s.top_without_sponsor,
       s.high_utilisation, s.usage_growth, s.single_product, s.promoter, s.recent_expansion,
       s.utilisation, s.usage_change, s.tickets_3m, s.tickets_before, s.nps_latest, s.products
FROM scored s
LEFT JOIN (SELECT account_key, mrr FROM account_month WHERE month_idx = $month_idx - 12) g USING (account_key)
LEFT JOIN last_move l USING (account_key)
ORDER BY s.mrr DESC, s.account_id;
