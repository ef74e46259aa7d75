-- The accounts a filter selects, by key, for the forecast: its history is read
-- once per book for every account (account_months.sql) and a selection only
-- marks which accounts' forecast and actuals are reported.
-- Parameters: $segment, $region, $industry, $csm_owner, $extra_pairs,
--   $extra_count (the selection, as every report).
-- Grain: one row per selected account, ordered by account_key.
SELECT a.account_key
FROM accounts a
SEMI JOIN selected_combos($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) c
    ON c.combo_key = a.combo_key
ORDER BY a.account_key;
