-- Each attribute combination's values, for the accounts of start_accounts.sql:
-- combo_key, segment, region, industry, csm_owner, extras (NULL without extra
-- attributes). No parameters. Grain: one row per combination.
SELECT combo_key, segment, region, industry, csm_owner, CASE WHEN cardinality(extras) > 0 THEN extras END AS extras
FROM combos
ORDER BY combo_key;
