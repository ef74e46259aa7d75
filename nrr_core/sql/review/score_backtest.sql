-- Back-test of the scores: for each month $from_idx..$to_idx, the selected
-- accounts active then are ranked by the score computed from that month's data
-- only (account_scores), and compared with what happened in the following
-- $horizon months (score_outcomes). Ties rank the larger MRR first.
-- Grain: one row per scoring month.
--   accounts, lost_accounts (churned or contracted), churned_accounts, lost_mrr
--   top_*       the top $top_share of accounts by risk score (at least one)
--   topk_*      the $top_k highest risk scores
--   flagged_*   accounts with risk score >= $risk_threshold
--   grew_accounts, exp_top_grew, exp_topk_grew, exp_flagged*: the same for
--               expansion (expansion or cross-sell) and the expansion score
WITH scored AS (
    SELECT s.account_key, s.month_idx, s.mrr, s.risk_score, s.expansion_score,
           o.lost, o.churned, o.lost_mrr, o.grew, o.gained_mrr
    FROM account_scores($from_idx, $to_idx, $weights) s
    JOIN score_outcomes($from_idx, $to_idx, $horizon) o USING (account_key, month_idx)
    JOIN accounts a USING (account_key)
    SEMI JOIN selected_combos($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) c
        ON c.combo_key = a.combo_key
), ranked AS (
    SELECT *,
           row_number() OVER (PARTITION BY month_idx ORDER BY risk_score DESC, mrr DESC, account_key) AS risk_rank,
           row_number() OVER (PARTITION BY month_idx ORDER BY expansion_score DESC, mrr DESC, account_key) AS exp_rank,
           greatest(1, ceil($top_share * count(*) OVER (PARTITION BY month_idx))) AS top_n
    FROM scored
)
SELECT month_idx,
       count(*) AS accounts,
       count(*) FILTER (WHERE lost) AS lost_accounts,
       count(*) FILTER (WHERE churned) AS churned_accounts,
       sum(lost_mrr) AS lost_mrr,
       count(*) FILTER (WHERE risk_rank <= top_n) AS top_accounts,
       count(*) FILTER (WHERE risk_rank <= top_n AND lost) AS top_lost,
       count(*) FILTER (WHERE risk_rank <= top_n AND churned) AS top_churned,
       coalesce(sum(lost_mrr) FILTER (WHERE risk_rank <= top_n), 0) AS top_lost_mrr,
       count(*) FILTER (WHERE risk_rank <= $top_k) AS topk_accounts,
       count(*) FILTER (WHERE risk_rank <= $top_k AND lost) AS topk_lost,
       count(*) FILTER (WHERE risk_score >= $risk_threshold) AS flagged_accounts,
       count(*) FILTER (WHERE risk_score >= $risk_threshold AND lost) AS flagged_lost,
       coalesce(sum(lost_mrr) FILTER (WHERE risk_score >= $risk_threshold), 0) AS flagged_lost_mrr,
       count(*) FILTER (WHERE grew) AS grew_accounts,
       count(*) FILTER (WHERE exp_rank <= top_n AND grew) AS exp_top_grew,
       count(*) FILTER (WHERE exp_rank <= $top_k) AS exp_topk_accounts,
       count(*) FILTER (WHERE exp_rank <= $top_k AND grew) AS exp_topk_grew,
       count(*) FILTER (WHERE expansion_score >= $expansion_threshold) AS exp_flagged_accounts,
       count(*) FILTER (WHERE expansion_score >= $expansion_threshold AND grew) AS exp_flagged_grew,
       sum(gained_mrr) AS gained_mrr,
       coalesce(sum(gained_mrr) FILTER (WHERE exp_rank <= top_n), 0) AS exp_top_gained_mrr
FROM ranked
GROUP BY month_idx
ORDER BY month_idx;
