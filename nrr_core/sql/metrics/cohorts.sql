-- Retention curves by cohort (metrics.md, "Retention curves").
-- $by: 'quarter' or 'month' of the account's start, an attribute (segment,
-- region, industry, csm_owner) or the name of an extra account attribute.
-- For each group and k = 0, 1, ... months since start: eligible members are
-- those with start + k <= the as-of month; starting_mrr and mrr are summed over
-- eligible members only, at start and at start + k. Sums of combo_start and
-- combo_cohort (per combo and start month), exact for any filter.
WITH picked AS (
    SELECT c.*
    FROM combos c
    SEMI JOIN selected_combos($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) s
        ON s.combo_key = c.combo_key
), keyed AS (
    -- The group of each (combo, start month): labels are made once per pair,
    -- not once per activity row.
    SELECT cs.combo_key, cs.start_idx, cs.members, cs.start_mrr,
           group_value($by, cs.start_idx, p.segment, p.region, p.industry, p.csm_owner, p.extras) AS cohort
    FROM combo_start cs JOIN picked p USING (combo_key)
), starts AS (
    SELECT cohort, start_idx, sum(members) AS members, sum(start_mrr) AS start_mrr
    FROM keyed GROUP BY ALL
), horizon AS (
    SELECT cohort, unnest(range(0, (SELECT as_of_idx FROM book) - min(start_idx) + 1)) AS k
    FROM starts GROUP BY cohort
), eligible AS (
    SELECT h.cohort, h.k, sum(s.members) AS eligible_accounts, sum(s.start_mrr) AS starting_mrr
    FROM horizon h JOIN starts s ON s.cohort = h.cohort
        AND s.start_idx + h.k <= (SELECT as_of_idx FROM book)
    GROUP BY ALL
), activity AS (
    SELECT kd.cohort, cc.k, sum(cc.accounts_active) AS accounts_active, sum(cc.mrr) AS mrr
    FROM combo_cohort cc JOIN keyed kd ON kd.combo_key = cc.combo_key AND kd.start_idx = cc.start_idx
    GROUP BY ALL
)
SELECT e.cohort,
       e.k AS months_since_start,
       CAST(e.eligible_accounts AS BIGINT) AS eligible_accounts,
       CAST(coalesce(a.accounts_active, 0) AS BIGINT) AS accounts_active,
       e.starting_mrr,
       coalesce(a.mrr, 0) AS mrr,
       coalesce(a.mrr, 0) / e.starting_mrr AS revenue_retention,
       coalesce(a.accounts_active, 0) / e.eligible_accounts AS logo_retention
FROM eligible e LEFT JOIN activity a USING (cohort, k)
ORDER BY e.cohort, e.k;
