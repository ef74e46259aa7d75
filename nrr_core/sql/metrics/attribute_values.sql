-- Distinct values of each filterable attribute with their account counts
-- (accounts that ever had revenue), for filter choices and input checks.
SELECT attribute, value, CAST(sum(accounts) AS BIGINT) AS accounts
FROM (
    SELECT 'segment' AS attribute, segment AS value, accounts FROM combos
    UNION ALL SELECT 'region', region, accounts FROM combos
    UNION ALL SELECT 'industry', industry, accounts FROM combos
    UNION ALL SELECT 'csm_owner', csm_owner, accounts FROM combos
    UNION ALL SELECT e.key, e.value, accounts FROM (SELECT unnest(map_entries(extras)) AS e, accounts FROM combos)
)
GROUP BY ALL
ORDER BY attribute, value;
