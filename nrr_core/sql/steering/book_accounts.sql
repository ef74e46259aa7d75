-- The CSM books of one steering period, per account (nrr_core/steering/scorecard.py
-- sums them per owner).
-- Purpose: each selected account with the owner whose book it is in for the
-- period, frozen at the period's first month: the latest owner_history row
-- (owners.csv) with from_idx <= $start_idx, else the account's current owner.
-- Then its MRR 12 months before the measured month (base_mrr; > 0 only for
-- the retention base, as in retention_base), at the measured month (mrr), the
-- month before the period (starting_mrr), the six movements summed over the
-- period's months up to the measured month, and its signals (leading
-- indicators) at the measured month.
-- Parameters: the filter's $segment, $region, $industry, $extra_pairs,
-- $extra_count (its CSM owners are NOT applied to accounts: $owners selects
-- the frozen owner instead); $start_idx (the period's first month), $end_idx
-- (the measured month: the period's last month, or the as-of month while the
-- period runs).
-- Grain: one row per account in a selected owner's book with revenue in, or a
-- movement during, the period, or in the retention base at $end_idx.
WITH picked AS (
    SELECT a.account_key, a.account_id, a.name, a.segment, a.csm_owner AS current_owner,
           coalesce((SELECT arg_max(h.csm_owner, h.from_idx) FROM owner_history h
                     WHERE h.account_key = a.account_key AND h.from_idx <= $start_idx), a.csm_owner) AS csm_owner
    FROM accounts a
    SEMI JOIN selected_combos($segment, $region, $industry, [], $extra_pairs, $extra_count) s
        ON s.combo_key = a.combo_key
    WHERE a.start_idx <= $end_idx
), book AS (
    SELECT * FROM picked WHERE len($owners) = 0 OR list_contains($owners, csm_owner)
), moves AS (
    SELECT account_key, sum(new) AS new, sum(expansion) AS expansion, sum(cross_sell) AS cross_sell,
           sum(contraction) AS contraction, sum(churn) AS churn, sum(reactivation) AS reactivation
    FROM account_month
    WHERE month_idx BETWEEN $start_idx AND $end_idx AND account_key IN (SELECT account_key FROM book)
    GROUP BY account_key
), sig AS (
    SELECT account_key,
           max(seats_licensed) FILTER (WHERE month_idx = $end_idx) AS seats_licensed,
           max(active_users) FILTER (WHERE month_idx = $end_idx) AS active_users,
           max(active_users) FILTER (WHERE month_idx = $end_idx - 3) AS active_users_before,
           sum(support_tickets) FILTER (WHERE month_idx BETWEEN $end_idx - 2 AND $end_idx) AS tickets_3m,
           count(support_tickets) FILTER (WHERE month_idx BETWEEN $end_idx - 2 AND $end_idx) AS ticket_months,
           arg_max(nps, month_idx) FILTER (WHERE nps IS NOT NULL AND month_idx BETWEEN $end_idx - 5 AND $end_idx)
               AS nps_latest
    FROM signals
    WHERE month_idx BETWEEN $end_idx - 5 AND $end_idx AND account_key IN (SELECT account_key FROM book)
    GROUP BY account_key
)
SELECT b.account_id, b.name, b.segment, b.csm_owner, b.current_owner,
       coalesce(r.base_mrr, 0) AS base_mrr, coalesce(r.mrr, 0) AS retained_mrr,
       coalesce(least(r.mrr, r.base_mrr), 0) AS gross_retained_mrr,
       coalesce(e.mrr, 0) AS mrr, coalesce(s0.mrr, 0) AS starting_mrr,
       coalesce(m.new, 0) AS new, coalesce(m.expansion, 0) AS expansion, coalesce(m.cross_sell, 0) AS cross_sell,
       coalesce(m.contraction, 0) AS contraction, coalesce(m.churn, 0) AS churn,
       coalesce(m.reactivation, 0) AS reactivation,
       g.seats_licensed, g.active_users, g.active_users_before, g.tickets_3m, g.ticket_months, g.nps_latest
FROM book b
LEFT JOIN (SELECT account_key, base_mrr, mrr FROM retention_base WHERE month_idx = $end_idx) r USING (account_key)
LEFT JOIN (SELECT account_key, mrr FROM account_month WHERE month_idx = $end_idx) e USING (account_key)
LEFT JOIN (SELECT account_key, mrr FROM account_month WHERE month_idx = $start_idx - 1) s0 USING (account_key)
LEFT JOIN moves m USING (account_key)
LEFT JOIN sig g USING (account_key)
WHERE r.base_mrr > 0 OR e.mrr > 0 OR s0.mrr > 0 OR m.account_key IS NOT NULL
ORDER BY b.csm_owner, b.account_id;
