-- Build the book's tables from the staged, validated inputs. Everything a report
-- needs is computed here once, so each report is one small aggregation.
-- Months are integers: year * 12 + month - 1.
--
-- Account grain (drill-downs, the NRR bridge, the account list):
--   book            one row: first and as-of month of the data, load id and time
--   spine           every month from the first to the as-of month
--   accounts        one row per account: integer key, attributes, combo_key,
--                   start month and MRR, MRR at the as-of month
--   account_attributes  extra account columns as (account, name, value)
--   products        product lines (integer key)
--   mrr             MRR per account, product, month: duplicates summed, > 0 only
--   account_month   per account and month where it or its previous month had MRR:
--                   mrr, prev_mrr, the six movements (metrics.md) classified once,
--                   product lines with MRR, combo_key; sorted by month so a
--                   window reads only its months
--   retention_base  per account active 12 months before month m: base_mrr, mrr at m
--   account_moves   per account, its months with a movement: the movement's name
--                   (its largest part) and the net MRR change
--   signals         account-month usage signals (optional input)
--   (the review board's account_health and its macros: review_tables.sql, run next)
--
-- Combination grain: a filter selects accounts by their attributes, so it
-- always selects whole "combos" (accounts sharing segment, region, industry,
-- CSM owner and extra attributes). Sums per combo are therefore exact for any
-- filter, and there are at most a few thousand combos however many accounts:
--   combos          combo_key, the attributes, extras (MAP), accounts
--   combo_month     the monthly bridge and account counts per combo
--   combo_retention the 12-month retention sums per combo and month
--   combo_start     accounts and starting MRR per combo and start month
--   combo_cohort    active accounts and MRR per combo, start month and month

CREATE TABLE book AS
SELECT CAST($first_idx AS INTEGER) AS first_idx, CAST($as_of_idx AS INTEGER) AS as_of_idx,
       CAST($load_id AS VARCHAR) AS load_id, CAST($loaded_at AS TIMESTAMP) AS loaded_at,
       CAST($sources AS VARCHAR) AS sources;

CREATE TABLE spine AS
SELECT CAST(range AS INTEGER) AS month_idx FROM range($first_idx, $as_of_idx + 1);

CREATE TABLE products AS
SELECT CAST(row_number() OVER (ORDER BY product) AS INTEGER) AS product_key, product
FROM (SELECT DISTINCT product FROM stage_revenue
      WHERE mrr > 0 AND month_idx BETWEEN $first_idx AND $as_of_idx);

CREATE TEMP TABLE account_keys AS
SELECT CAST(row_number() OVER (ORDER BY account_id) AS INTEGER) AS account_key, *
FROM stage_accounts;

-- Rows of one (account, product, month) summed; a sum of 0 is no revenue.
CREATE TABLE mrr AS
SELECT k.account_key, p.product_key, r.month_idx, sum(r.mrr) AS mrr
FROM stage_revenue r JOIN account_keys k USING (account_id) JOIN products p USING (product)
WHERE r.month_idx BETWEEN $first_idx AND $as_of_idx
GROUP BY ALL
HAVING sum(r.mrr) > 0
ORDER BY k.account_key, r.month_idx, p.product_key;

CREATE TABLE account_attributes AS
SELECT k.account_key, a.name, a.value
FROM stage_attributes a JOIN account_keys k USING (account_id)
ORDER BY a.name, k.account_key;

-- An account's extra attributes as one MAP, and its combination of attributes
-- (accounts sharing segment, region, industry, CSM owner and extras).
CREATE TEMP TABLE account_combo AS
WITH extras AS (
    SELECT account_key, map_from_entries(list({'key': name, 'value': value} ORDER BY name)) AS extras,
           string_agg(name || chr(31) || value, chr(30) ORDER BY name) AS extras_text
    FROM account_attributes
    GROUP BY account_key
)
SELECT k.account_key, k.segment, k.region, k.industry, k.csm_owner,
       coalesce(e.extras, MAP {}) AS extras,
       CAST(dense_rank() OVER (ORDER BY k.segment, k.region, k.industry, k.csm_owner,
                                        coalesce(e.extras_text, '')) AS INTEGER) AS combo_key
FROM account_keys k LEFT JOIN extras e USING (account_key);

-- Per product line, the previous month's MRR comes from the row before when it
-- is the month before (lag); after a product's last month in a run, a row with
-- no MRR carries its MRR as "prev" (the month it stopped). Months where an
-- account had nothing in either month produce no row and no movement, exactly
-- as metrics.md says. The account's combination of attributes rides along.
CREATE TABLE account_month AS
WITH neighbours AS (
    SELECT account_key, product_key, month_idx, mrr,
           lag(month_idx) OVER w AS prev_idx, lag(mrr) OVER w AS prev_mrr, lead(month_idx) OVER w AS next_idx
    FROM mrr
    WINDOW w AS (PARTITION BY account_key, product_key ORDER BY month_idx)
), product_change AS (
    SELECT account_key, product_key, month_idx, mrr AS cur,
           CASE WHEN prev_idx = month_idx - 1 THEN prev_mrr ELSE 0.0 END AS prev
    FROM neighbours
    UNION ALL
    SELECT account_key, product_key, month_idx + 1, 0.0, mrr
    FROM neighbours
    WHERE (next_idx IS NULL OR next_idx > month_idx + 1) AND month_idx < $as_of_idx
), account_change AS (
    SELECT account_key, month_idx,
           sum(cur) AS mrr,
           sum(prev) AS prev_mrr,
           sum(CASE WHEN prev = 0 AND cur > 0 THEN cur ELSE 0 END) AS product_added,
           sum(CASE WHEN prev > 0 AND cur > prev THEN cur - prev ELSE 0 END) AS product_up,
           sum(CASE WHEN cur < prev THEN cur - prev ELSE 0 END) AS product_down,
           count(*) FILTER (WHERE cur > 0) AS products
    FROM product_change
    GROUP BY ALL
), first_active AS (
    SELECT account_key, min(month_idx) AS start_idx FROM mrr GROUP BY ALL
)
SELECT c.account_key, c.month_idx, c.mrr, c.prev_mrr,
       CASE WHEN c.prev_mrr = 0 AND c.month_idx = f.start_idx THEN c.mrr ELSE 0 END AS new,
       CASE WHEN c.prev_mrr > 0 AND c.mrr > 0 THEN c.product_up ELSE 0 END AS expansion,
       CASE WHEN c.prev_mrr > 0 AND c.mrr > 0 THEN c.product_added ELSE 0 END AS cross_sell,
       CASE WHEN c.prev_mrr > 0 AND c.mrr > 0 THEN c.product_down ELSE 0 END AS contraction,
       CASE WHEN c.prev_mrr > 0 AND c.mrr = 0 THEN -c.prev_mrr ELSE 0 END AS churn,
       CASE WHEN c.prev_mrr = 0 AND c.month_idx > f.start_idx THEN c.mrr ELSE 0 END AS reactivation,
       CAST(c.products AS INTEGER) AS products,
       k.combo_key
FROM account_change c JOIN first_active f USING (account_key) JOIN account_combo k USING (account_key)
ORDER BY c.month_idx, c.account_key;

CREATE TABLE retention_base AS
SELECT b.account_key, b.month_idx + 12 AS month_idx, b.mrr AS base_mrr, coalesce(c.mrr, 0) AS mrr
FROM account_month b
LEFT JOIN account_month c ON c.account_key = b.account_key AND c.month_idx = b.month_idx + 12
WHERE b.mrr > 0 AND b.month_idx + 12 <= $as_of_idx
ORDER BY month_idx, b.account_key;

CREATE TABLE accounts AS
SELECT k.account_key, k.account_id, k.name, k.segment, k.region, k.industry, k.csm_owner,
       k.renewal_date, k.executive_sponsor, c.combo_key,
       s.month_idx AS start_idx,
       s.mrr AS start_mrr,
       coalesce(e.mrr, 0) AS current_mrr
FROM account_keys k
JOIN account_combo c USING (account_key)
LEFT JOIN (SELECT account_key, month_idx, mrr FROM account_month WHERE new > 0) s USING (account_key)
LEFT JOIN (SELECT account_key, mrr FROM account_month WHERE month_idx = $as_of_idx) e USING (account_key)
ORDER BY k.account_key;

-- Each account's months with a movement, named by its largest part, with the
-- net MRR change: "last movement" is the latest row up to a month.
CREATE TABLE account_moves AS
SELECT account_key, month_idx, mrr - prev_mrr AS change,
       CASE WHEN new > 0 THEN 'new'
            WHEN reactivation > 0 THEN 'reactivation'
            WHEN churn < 0 THEN 'churn'
            WHEN cross_sell > 0 AND cross_sell >= greatest(expansion, -contraction) THEN 'cross_sell'
            WHEN expansion > 0 AND expansion >= -contraction THEN 'expansion'
            ELSE 'contraction' END AS movement
FROM account_month
WHERE new <> 0 OR expansion <> 0 OR cross_sell <> 0 OR contraction <> 0 OR churn <> 0 OR reactivation <> 0
ORDER BY account_key, month_idx;

-- Combos of accounts that ever had revenue (the others appear nowhere).
CREATE TABLE combos AS
SELECT c.combo_key, any_value(c.segment) AS segment, any_value(c.region) AS region,
       any_value(c.industry) AS industry, any_value(c.csm_owner) AS csm_owner,
       any_value(c.extras) AS extras, count(*) AS accounts
FROM account_combo c JOIN accounts a USING (account_key)
WHERE a.start_idx IS NOT NULL
GROUP BY c.combo_key
ORDER BY c.combo_key;

CREATE TABLE combo_month AS
SELECT a.combo_key, m.month_idx,
       sum(m.prev_mrr) AS starting_mrr, sum(m.new) AS new, sum(m.expansion) AS expansion,
       sum(m.cross_sell) AS cross_sell, sum(m.contraction) AS contraction, sum(m.churn) AS churn,
       sum(m.reactivation) AS reactivation, sum(m.mrr) AS ending_mrr,
       count(*) FILTER (WHERE m.prev_mrr > 0) AS starting_accounts,
       count(*) FILTER (WHERE m.new > 0) AS new_accounts,
       count(*) FILTER (WHERE m.expansion + m.cross_sell > 0) AS expanded_accounts,
       count(*) FILTER (WHERE m.contraction < 0) AS contracted_accounts,
       count(*) FILTER (WHERE m.churn < 0) AS churned_accounts,
       count(*) FILTER (WHERE m.reactivation > 0) AS reactivated_accounts,
       count(*) FILTER (WHERE m.mrr > 0) AS ending_accounts
FROM account_month m JOIN accounts a USING (account_key)
GROUP BY a.combo_key, m.month_idx
ORDER BY m.month_idx, a.combo_key;

CREATE TABLE combo_retention AS
SELECT a.combo_key, r.month_idx,
       sum(r.base_mrr) AS base_mrr, sum(r.mrr) AS retained_mrr,
       sum(least(r.mrr, r.base_mrr)) AS gross_retained_mrr,
       count(*) AS base_accounts, count(*) FILTER (WHERE r.mrr > 0) AS retained_accounts
FROM retention_base r JOIN accounts a USING (account_key)
GROUP BY a.combo_key, r.month_idx
ORDER BY r.month_idx, a.combo_key;

CREATE TABLE combo_start AS
SELECT combo_key, start_idx, count(*) AS members, sum(start_mrr) AS start_mrr
FROM accounts WHERE start_idx IS NOT NULL
GROUP BY ALL ORDER BY ALL;

CREATE TABLE combo_cohort AS
SELECT a.combo_key, a.start_idx, m.month_idx - a.start_idx AS k,
       count(*) AS accounts_active, sum(m.mrr) AS mrr
FROM account_month m JOIN accounts a USING (account_key)
WHERE m.mrr > 0
GROUP BY ALL ORDER BY ALL;

CREATE TABLE signals AS
SELECT k.account_key, s.month_idx, s.seats_licensed, s.active_users, s.support_tickets, s.nps
FROM stage_signals s JOIN account_keys k USING (account_id)
WHERE s.month_idx BETWEEN $first_idx AND $as_of_idx
ORDER BY k.account_key, s.month_idx;

CREATE MACRO month_label(idx) AS printf('%04d-%02d', idx // 12, idx % 12 + 1);

CREATE MACRO quarter_label(idx) AS printf('%04d-Q%d', idx // 12, idx % 12 // 3 + 1);

-- The combos a Filters value selects (nrr_core/filters.py): OR within one
-- attribute, AND across attributes; an empty list means no restriction. Extra
-- attributes come as 'name<US>value' pairs; extra_count is the number of
-- distinct names, each of which must match.
CREATE MACRO selected_combos(segs, regs, inds, owners, extra_pairs, extra_count) AS TABLE
SELECT c.combo_key
FROM combos c
WHERE (len(segs) = 0 OR list_contains(segs, c.segment))
  AND (len(regs) = 0 OR list_contains(regs, c.region))
  AND (len(inds) = 0 OR list_contains(inds, c.industry))
  AND (len(owners) = 0 OR list_contains(owners, c.csm_owner))
  AND (extra_count = 0 OR extra_count = len(list_filter(map_entries(c.extras),
        lambda e: list_contains(extra_pairs, e.key || chr(31) || e.value))));

-- The group a combo (and start month) falls in for group_key: quarter or month
-- of the start, segment, region, industry, csm_owner, or an extra attribute.
CREATE MACRO group_value(group_key, start_idx, segment, region, industry, csm_owner, extras) AS
    coalesce(CASE group_key
        WHEN 'quarter' THEN quarter_label(start_idx)
        WHEN 'month' THEN month_label(start_idx)
        WHEN 'segment' THEN segment
        WHEN 'region' THEN region
        WHEN 'industry' THEN industry
        WHEN 'csm_owner' THEN csm_owner
        ELSE extras[group_key]
    END, '(none)');
