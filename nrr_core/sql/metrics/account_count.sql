-- How many selected accounts had revenue by month $month_idx and match $search.
SELECT count(*) AS accounts
FROM accounts a
SEMI JOIN selected_combos($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) s
    ON s.combo_key = a.combo_key
WHERE a.start_idx <= $month_idx
  AND ($search = '' OR contains(lower(a.name), lower($search)) OR contains(lower(a.account_id), lower($search)));
