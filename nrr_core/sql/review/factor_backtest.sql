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
), combos AS (
    -- At most 2^15 distinct rows: unpivoting these is cheap however many accounts.
    SELECT lost, churned, grew,
           usage_drop, low_utilisation, recent_contraction, product_dropped, detractor, ticket_spike,
           top_without_sponsor, high_utilisation, usage_growth, single_product, promoter, recent_expansion,
           count(*) AS n
    FROM scored
    GROUP BY ALL
), per_factor AS (
    UNPIVOT combos
    ON usage_drop, low_utilisation, recent_contraction, product_dropped, detractor, ticket_spike,
       top_without_sponsor, high_utilisation, usage_growth, single_product, promoter, recent_expansion
    INTO NAME factor VALUE holds
)
SELECT factor,
       sum(n) AS account_months,
       coalesce(sum(n) FILTER (WHERE holds), 0) AS with_factor,
       coalesce(sum(n) FILTER (WHERE holds AND lost), 0) AS lost_with,
       coalesce(sum(n) FILTER (WHERE NOT holds AND lost), 0) AS lost_without,
       coalesce(sum(n) FILTER (WHERE holds AND churned), 0) AS churned_with,
       coalesce(sum(n) FILTER (WHERE NOT holds AND churned), 0) AS churned_without,
       coalesce(sum(n) FILTER (WHERE holds AND grew), 0) AS grew_with,
       coalesce(sum(n) FILTER (WHERE NOT holds AND grew), 0) AS grew_without
FROM per_factor
GROUP BY factor
ORDER BY factor;
