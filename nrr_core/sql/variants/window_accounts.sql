-- The account-months behind the NRR variants of month $month_idx (metrics.md,
-- "NRR by other definitions"): every selected account's rows for months
-- $month_idx-12..$month_idx with its MRR, MRR the month before, and movements.
-- The reconciliation bridge (nrr_core/variants/reconcile.py) reads its base
-- (MRR at $month_idx-12), its end (MRR at $month_idx) and the movements of the
-- twelve months $month_idx-11..$month_idx from these rows.
-- Parameters: $month_idx and the filter's. Grain: account x month, only the
-- months an account has a row in the book (revenue, or revenue the month before).
SELECT a.account_id, a.name, a.segment, a.start_idx, m.month_idx, m.mrr, m.prev_mrr,
       m.new, m.expansion, m.cross_sell, m.contraction, m.churn, m.reactivation
FROM account_month m
SEMI JOIN selected_combos($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) s
    ON s.combo_key = m.combo_key
JOIN accounts a USING (account_key)
WHERE m.month_idx BETWEEN $month_idx - 12 AND $month_idx
ORDER BY a.account_id, m.month_idx;
