-- The renewal calendar's accounts (nrr_core/steering/renewals.py buckets them).
-- Purpose: the selected accounts with a next renewal date and revenue at the
-- month, with their ARR then and the days from $today (the day after the
-- as-of month) to the renewal.
-- Parameters: the filter's $segment, $region, $industry, $csm_owner,
-- $extra_pairs, $extra_count; $month_idx (the as-of month); $today (a DATE).
-- Grain: one row per selected account with a renewal date and MRR > 0 at $month_idx.
SELECT a.account_id, a.name, a.segment, a.region, a.csm_owner, a.renewal_date,
       m.mrr * 12 AS arr,
       CAST(datediff('day', CAST($today AS DATE), a.renewal_date) AS INTEGER) AS days_to_renewal
FROM accounts a
SEMI JOIN selected_combos($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) s
    ON s.combo_key = a.combo_key
JOIN account_month m ON m.account_key = a.account_key AND m.month_idx = $month_idx AND m.mrr > 0
WHERE a.renewal_date IS NOT NULL
ORDER BY a.renewal_date, arr DESC, a.account_id;
