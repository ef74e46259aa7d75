-- Distinct values of each filterable attribute with their account counts
-- (accounts that ever had revenue), for filter choices and input checks.
SELECT attribute, value, count(*) AS accounts
FROM (
    SELECT 'segment' AS attribute, segment AS value FROM accounts WHERE start_idx IS NOT NULL
    UNION ALL SELECT 'region', region FROM accounts WHERE start_idx IS NOT NULL
    UNION ALL SELECT 'industry', industry FROM accounts WHERE start_idx IS NOT NULL
    UNION ALL SELECT 'csm_owner', csm_owner FROM accounts WHERE start_idx IS NOT NULL
    UNION ALL SELECT x.name, x.value FROM account_attributes x
        JOIN accounts a USING (account_key) WHERE a.start_idx IS NOT NULL
)
GROUP BY ALL
ORDER BY attribute, value;
