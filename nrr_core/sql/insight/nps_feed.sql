-- Survey answers with a comment from the selected accounts in months
-- $from_idx..$to_idx whose comment contains $search (plain text, case-
-- insensitive; '' = all). Comments are untrusted text, returned as stored.
-- Parameters: the filter, $from_idx, $to_idx, $search.
-- Grain: one row per answer with a comment, newest first.
SELECT a.account_id, a.name, a.segment, a.csm_owner, month_label(r.month_idx) AS month, r.month_idx,
       r.score, r.comment
FROM nps_responses r
JOIN accounts a USING (account_key)
SEMI JOIN selected_combos($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) s
    ON s.combo_key = a.combo_key
WHERE r.month_idx BETWEEN $from_idx AND $to_idx AND r.comment IS NOT NULL
  AND (len($search) = 0 OR contains(lower(r.comment), lower($search)))
ORDER BY r.month_idx DESC, a.account_id;
