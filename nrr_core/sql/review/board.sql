-- The review board's candidates: every selected account with revenue in month
-- $month_idx, with its point-in-time scores and factors (account_scores in
-- build_book.sql, weights $weights), the figures the board shows, and the days
-- from $today (the day after the month) to its renewal date.
-- renewal_90 / renewal_180: the renewal date is 0-90 / 91-180 days after $today
-- (live factors, worth $renewal_90_points / $renewal_180_points).
-- With $shortlist, only the accounts that can be on the board: a point-in-time
-- risk score plus its renewal points of at least $risk_floor (the threshold
-- less the other live factor's points), an expansion score of at least
-- $expansion_floor, or an account id in
-- $listed (a latest decision that puts it on a list), and the selected account
-- with the lowest key, so that scored_accounts and any_signals (over every
-- selected account of the month) arrive even when nobody can be listed.
-- Grain: one row per account. nrr_12m = MRR now / MRR 12 months earlier (NULL
-- if the account was not active then); last movement up to the month.
WITH scored AS (
    SELECT s.*, a.account_id, a.name, a.segment, a.region, a.industry, a.csm_owner,
           a.executive_sponsor, a.renewal_date,
           date_diff('day', CAST($today AS DATE), a.renewal_date) AS days_to_renewal,
           coalesce(days_to_renewal BETWEEN 0 AND 90, false) AS renewal_90,
           coalesce(days_to_renewal BETWEEN 91 AND 180, false) AS renewal_180,
           count(*) OVER () AS scored_accounts,
           bool_or(s.utilisation IS NOT NULL OR s.nps_latest IS NOT NULL) OVER () AS any_signals
    FROM account_scores($month_idx, $month_idx, $weights) s
    JOIN accounts a USING (account_key)
    SEMI JOIN selected_combos($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) c
        ON c.combo_key = a.combo_key
    QUALIFY NOT $shortlist
        OR s.risk_score + $renewal_90_points * renewal_90::INT + $renewal_180_points * renewal_180::INT >= $risk_floor
        OR s.expansion_score >= $expansion_floor
        OR list_contains(CAST($listed AS VARCHAR[]), a.account_id) OR s.account_key = min(s.account_key) OVER ()
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
       s.renewal_date, s.days_to_renewal,
       s.risk_score, s.expansion_score,
       s.usage_drop, s.low_utilisation, s.recent_contraction, s.product_dropped, s.detractor,
       s.ticket_spike, s.top_without_sponsor, s.renewal_90, s.renewal_180,
       s.high_utilisation, s.usage_growth, s.single_product, s.promoter, s.recent_expansion,
       s.utilisation, s.usage_change, s.tickets_3m, s.tickets_before, s.nps_latest, s.products,
       s.scored_accounts, s.any_signals
FROM scored s
LEFT JOIN (SELECT account_key, mrr FROM account_month WHERE month_idx = $month_idx - 12) g USING (account_key)
LEFT JOIN last_move l USING (account_key)
ORDER BY s.mrr DESC, s.account_id;
