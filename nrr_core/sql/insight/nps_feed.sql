-- Survey answers with a comment from the selected accounts in months
-- $from_idx..$to_idx whose comment contains $search (plain text, case-
-- insensitive; '' = all). Comments are untrusted text, returned as stored.
-- The answers are picked first (nps_responses is sorted by month and carries
-- the combination), then named.
-- Parameters: the filter, $from_idx, $to_idx, $search.
-- Grain: one row per answer with a comment, newest first.
WITH picked AS (
    SELECT r.account_key, r.month_idx, r.score, r.comment
    FROM nps_responses r
    SEMI JOIN selected_combos($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) s
        ON s.combo_key = r.combo_key
    WHERE r.month_idx BETWEEN $from_idx AND $to_idx AND r.comment IS NOT NULL
      AND (len($search) = 0 OR contains(lower(r.comment), lower($search)))
)
SELECT a.account_id, a.name, a.segment, a.csm_owner, month_label(p.month_idx) AS month, p.month_idx,
       p.score, p.comment
FROM picked p JOIN accounts a USING (account_key)
ORDER BY p.month_idx DESC, a.account_id;
