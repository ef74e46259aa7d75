-- The selected accounts' names and owners (churned ones included), to label
-- recorded decisions.
SELECT a.account_id, a.name, a.segment, a.csm_owner
FROM accounts a
SEMI JOIN selected_combos($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) c
    ON c.combo_key = a.combo_key
ORDER BY a.account_id;
