-- Each score factor on its own over months $from_idx..$to_idx: how often it
-- held among the selected active accounts, and the share that churned or
-- contracted (lost) or expanded (grew) in the following $horizon months, with
-- and without the factor. Grain: one row per factor.
WITH scored AS (
    SELECT h.*, o.lost, o.churned, o.grew
    FROM account_health h
    JOIN score_outcomes($from_idx, $to_idx, $horizon) o USING (account_key, month_idx)
    JOIN accounts a USING (account_key)
    SEMI JOIN selected_combos($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) c
        ON c.combo_key = a.combo_key
    WHERE h.month_idx BETWEEN $from_idx AND $to_idx
), per_factor AS (
    UNPIVOT (SELECT account_key, month_idx, lost, churned, grew,
                    usage_drop, low_utilisation, recent_contraction, product_dropped, detractor, ticket_spike,
                    top_without_sponsor, high_utilisation, usage_growth, single_product, promoter,
                    recent_expansion
             FROM scored)
    ON usage_drop, low_utilisation, recent_contraction, product_dropped, detractor, ticket_spike,
       top_without_sponsor, high_utilisation, usage_growth, single_product, promoter, recent_expansion
    INTO NAME factor VALUE holds
)
SELECT factor,
       count(*) AS account_months,
       count(*) FILTER (WHERE holds) AS with_factor,
       count(*) FILTER (WHERE holds AND lost) AS lost_with,
       count(*) FILTER (WHERE NOT holds AND lost) AS lost_without,
       count(*) FILTER (WHERE holds AND churned) AS churned_with,
       count(*) FILTER (WHERE NOT holds AND churned) AS churned_without,
       count(*) FILTER (WHERE holds AND grew) AS grew_with,
       count(*) FILTER (WHERE NOT holds AND grew) AS grew_without
FROM per_factor
GROUP BY factor
ORDER BY factor;
