-- Churn retrospective: selected accounts that churned or contracted in months
-- $from_idx..$to_idx. first_loss_idx is the first such month in the window;
-- lost_mrr the MRR lost by churn and contraction in the window (positive);
-- kind 'churn' if the account churned in the window, else 'contraction';
-- score_before the risk score of the month before the first loss, computed
-- from that month's data only (NULL if the account had no revenue then).
WITH losses AS (
    SELECT m.account_key, min(m.month_idx) AS first_loss_idx,
           -sum(m.churn + m.contraction) AS lost_mrr, bool_or(m.churn < 0) AS churned
    FROM account_month m
    JOIN accounts a USING (account_key)
    SEMI JOIN selected_combos($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) c
        ON c.combo_key = a.combo_key
    WHERE m.month_idx BETWEEN $from_idx AND $to_idx AND (m.churn < 0 OR m.contraction < 0)
    GROUP BY m.account_key
)
SELECT a.account_id, a.name, a.segment, a.csm_owner,
       l.first_loss_idx, month_label(l.first_loss_idx) AS first_loss_month,
       CASE WHEN l.churned THEN 'churn' ELSE 'contraction' END AS kind,
       l.lost_mrr, l.lost_mrr * 12 AS lost_arr,
       s.mrr * 12 AS arr_before, s.risk_score AS score_before
FROM losses l
JOIN accounts a USING (account_key)
LEFT JOIN account_scores($from_idx - 1, $to_idx, $weights) s
       ON s.account_key = l.account_key AND s.month_idx = l.first_loss_idx - 1
ORDER BY l.lost_mrr DESC, a.account_id;
