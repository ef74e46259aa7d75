-- The forward forecast's history: every account-month with revenue, its
-- point-in-time review factors (account_health, built from that month and
-- earlier only), and what happened to it the month after. Read once per book
-- (a forecast's rates are estimated on the whole book, so an account's
-- forecast never depends on who else is selected); selected_accounts.sql
-- marks the accounts a filter selects.
-- Parameters: none.
-- Grain: one row per account and month with MRR > 0, ordered by account, month
-- (account_key: the account's row in accounts, forecast/accounts.sql).
--   anniversary   the contract's month of the year (0 = January): the month of
--                 renewal_date where the account has one, else of its first
--                 month with revenue
--   next_*        the month after: MRR and its movements (metrics.md; churn and
--                 contraction negative); NULL after the as-of month
SELECT h.account_key, h.month_idx, h.mrr,
       coalesce(month(a.renewal_date) - 1, a.start_idx % 12)::INTEGER AS anniversary,
       h.usage_drop, h.low_utilisation, h.recent_contraction, h.product_dropped, h.detractor, h.ticket_spike,
       h.top_without_sponsor, h.high_utilisation, h.usage_growth, h.single_product, h.promoter,
       h.recent_expansion,
       n.mrr AS next_mrr, n.churn AS next_churn, n.contraction AS next_contraction,
       n.expansion AS next_expansion, n.cross_sell AS next_cross_sell
FROM account_health h
JOIN accounts a USING (account_key)
LEFT JOIN account_month n ON n.account_key = h.account_key AND n.month_idx = h.month_idx + 1
ORDER BY h.account_key, h.month_idx;
