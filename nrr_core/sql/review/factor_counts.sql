-- The score factors' history, compressed for fitting the scorecard
-- (nrr_core/review/calibration.py): for each month $from_idx..$to_idx, the
-- selected accounts active then, grouped by which point-in-time factors held
-- (account_health) and what happened in the following $horizon months
-- (score_outcomes: lost = churned or contracted, grew = expanded or
-- cross-sold). Outcomes are never inputs: they only label the rows.
-- Grain: one row per month and distinct combination of factors and outcomes
-- (a few hundred per month however many accounts).
--   n             account-months with that combination
--   lost_mrr      MRR they lost to churn and contraction in the horizon
--   gained_mrr    MRR they gained by expansion and cross-sell in the horizon
SELECT h.month_idx, o.lost, o.grew,
       h.usage_drop, h.low_utilisation, h.recent_contraction, h.product_dropped, h.detractor, h.ticket_spike,
       h.top_without_sponsor, h.high_utilisation, h.usage_growth, h.single_product, h.promoter,
       h.recent_expansion,
       count(*) AS n,
       sum(o.lost_mrr) AS lost_mrr,
       sum(o.gained_mrr) AS gained_mrr
FROM account_health h
JOIN score_outcomes($from_idx, $to_idx, $horizon) o USING (account_key, month_idx)
JOIN accounts a USING (account_key)
SEMI JOIN selected_combos($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) c
    ON c.combo_key = a.combo_key
WHERE h.month_idx BETWEEN $from_idx AND $to_idx
GROUP BY ALL
ORDER BY ALL;
