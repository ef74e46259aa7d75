-- Retention curves by cohort (metrics.md, "Retention curves").
-- $by: 'quarter' or 'month' of the account's start, an attribute (segment,
-- region, industry, csm_owner) or the name of an extra account attribute.
-- For each group and k = 0, 1, ... months since start: eligible members are
-- those with start + k <= the as-of month; starting_mrr and mrr are summed over
-- eligible members only, at start and at start + k.
WITH members AS (
    SELECT account_key, start_idx, start_mrr, value AS cohort
    FROM grouped_accounts($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count, $by)
    WHERE start_idx IS NOT NULL
), starts AS (
    SELECT cohort, start_idx, count(*) AS members, sum(start_mrr) AS start_mrr
    FROM members GROUP BY ALL
), horizon AS (
    SELECT cohort, unnest(range(0, (SELECT as_of_idx FROM book) - min(start_idx) + 1)) AS k
    FROM starts GROUP BY cohort
), eligible AS (
    SELECT h.cohort, h.k, sum(s.members) AS eligible_accounts, sum(s.start_mrr) AS starting_mrr
    FROM horizon h JOIN starts s ON s.cohort = h.cohort
        AND s.start_idx + h.k <= (SELECT as_of_idx FROM book)
    GROUP BY ALL
), activity AS (
    SELECT mb.cohort, m.month_idx - mb.start_idx AS k, count(*) AS accounts_active, sum(m.mrr) AS mrr
    FROM members mb JOIN account_month m ON m.account_key = mb.account_key
    WHERE m.mrr > 0
    GROUP BY ALL
)
SELECT e.cohort,
       e.k AS months_since_start,
       e.eligible_accounts,
       coalesce(a.accounts_active, 0) AS accounts_active,
       e.starting_mrr,
       coalesce(a.mrr, 0) AS mrr,
       coalesce(a.mrr, 0) / e.starting_mrr AS revenue_retention,
       coalesce(a.accounts_active, 0) / e.eligible_accounts AS logo_retention
FROM eligible e LEFT JOIN activity a USING (cohort, k)
ORDER BY e.cohort, e.k;
