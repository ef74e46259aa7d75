-- The customer journey's load-time tables, built right after review_tables.sql
-- on the same connection (reads account_month, accounts, signals, combos, book
-- and the temporary stage_signals / stage_churn_reasons / account_keys).
-- Rules that depend on a threshold (the value share, the advocacy window, stall
-- limits) are applied at query time (nrr_core/sql/insight/*.sql), so nrr.toml
-- [journey] can change them without a reload; the detail tables hold only
-- threshold-free inputs. The two small summaries at the end are those queries'
-- answers under the default rules, so the pages read a few thousand rows
-- instead of millions; a query under other rules reads the detail tables.
-- Parameters: $sustain_months (months in a row at the value share that make
-- "value realisation"; nrr_core/insight/rules.py SUSTAIN_MONTHS), and the
-- default rules' $value_share, $promoter_score, $advocacy_months
-- (rules.DEFAULT_RULES; stored in journey_defaults).
-- Why it is shaped so: one window pass over a narrow temporary table (every
-- window shares one partition and sort), and journey_account is one GROUP BY
-- over the same rows, with no month spine to join.
--   journey_month    per account and active month (MRR > 0): k (months since the
--                    account's first revenue), utilisation (active users /
--                    seats licensed; NULL unknown), util_best (highest
--                    utilisation since first revenue), util_held (lowest
--                    utilisation of this and the $sustain_months - 1 months
--                    before, NULL unless all were recorded), last_nps and
--                    last_nps_idx (latest survey answer so far), last_growth_idx
--                    (latest month with expansion or cross-sell so far),
--                    installed (active in the data's first month: past
--                    onboarding before the data starts). Sorted by month.
--   journey_account  per account with revenue: start, starting MRR and product
--                    lines, months (LIST of STRUCT(k, u), in no order: each
--                    active month's months since start k and utilisation u, u
--                    NULL where unknown), last active month, MRR 12 months
--                    after start (NULL when past the as-of month), installed.
--   nps_responses    per survey answer: account, combo_key, month, score (NULL if
--                    only a comment), comment (untrusted text, NULL if none).
--   imported_churn_reasons  churn reasons given in a churn_reasons.csv at load
--                    (account_key, month_idx, reason, notes); empty without one.
--   journey_phase_mix per combo_key, month and phase under the default rules:
--                    accounts, mrr (the phases view's answer before the filter).
--   journey_defaults one row: the rules journey_phase_mix was built with.
--   nps_month        per combo_key and month with answers: responses (with a
--                    score), promoters (score ≥ 9), detractors (score ≤ 6), as
--                    NPS defines them (nrr_core/insight/voice.py).

-- The journey phase of one journey_month row under the query's thresholds
-- (nrr_core/insight/rules.py states the rules in words; this is where they run).
CREATE MACRO journey_phase(installed, util_best, util_held, last_nps, last_nps_idx, last_growth_idx, month_idx,
                           value_share, promoter_score, advocacy_months) AS
    CASE WHEN NOT installed AND coalesce(util_best < value_share, true) THEN 'onboarding'
         WHEN coalesce(last_nps >= promoter_score AND month_idx - last_nps_idx < advocacy_months, false)
              OR coalesce(month_idx - last_growth_idx < advocacy_months, false) THEN 'advocacy'
         WHEN coalesce(util_held >= value_share, false) THEN 'value_realisation'
         ELSE 'adoption' END;

-- Months from first revenue to the first month at value_share (0 = the first
-- month) among journey_account.months with k ≤ upto_k; NULL if not reached.
CREATE MACRO time_to_value(months, value_share, upto_k) AS
    list_min(list_transform(months, lambda m: CASE WHEN m.k <= upto_k AND m.u >= value_share THEN m.k END));

-- Utilisation k months after first revenue (NULL: unknown or not active then).
CREATE MACRO util_at(months, k) AS
    list_max(list_transform(months, lambda m: CASE WHEN m.k = k THEN m.u END));

CREATE TEMP TABLE journey_rows AS
SELECT m.account_key, m.combo_key, m.month_idx, m.mrr, m.products, a.start_idx,
       m.expansion + m.cross_sell > 0 AS grew,
       CASE WHEN s.seats_licensed > 0 THEN s.active_users / s.seats_licensed END AS utilisation,
       s.nps
FROM account_month m
JOIN accounts a USING (account_key)
LEFT JOIN signals s USING (account_key, month_idx);

-- A survey score is 0..10 (screened at load), so month_idx * 16 + score keeps
-- the latest answer's month and score in one running max. Utilisation is never
-- negative, so -1 stands for "not recorded" in the held minimum, and the
-- $sustain_months rows are consecutive months when the first is that many back
-- (cheaper than a RANGE frame and a count). lag() takes a window without a
-- frame: Spark refuses a frame on it (the book is also built on Spark).
CREATE TABLE journey_month AS
WITH windowed AS (
    SELECT account_key, combo_key, month_idx, start_idx, mrr, utilisation,
           max(utilisation) OVER upto AS util_best,
           lag(month_idx, $sustain_months - 1) OVER ordered AS held_from,
           min(coalesce(utilisation, -1)) OVER held AS held_min,
           max(CASE WHEN nps IS NOT NULL THEN month_idx * 16 + nps END) OVER upto AS last_answer,
           max(CASE WHEN grew THEN month_idx END) OVER upto AS last_growth_idx
    FROM journey_rows
    WINDOW ordered AS (PARTITION BY account_key ORDER BY month_idx),
           upto AS (PARTITION BY account_key ORDER BY month_idx ROWS UNBOUNDED PRECEDING),
           held AS (PARTITION BY account_key ORDER BY month_idx
                    ROWS BETWEEN $sustain_months - 1 PRECEDING AND CURRENT ROW)
)
SELECT w.account_key, w.combo_key, w.month_idx, CAST(w.month_idx - w.start_idx AS INTEGER) AS k, w.mrr,
       w.utilisation, w.util_best,
       CASE WHEN w.held_from = w.month_idx - ($sustain_months - 1) AND w.held_min >= 0 THEN w.held_min END AS util_held,
       CAST(w.last_answer % 16 AS INTEGER) AS last_nps, CAST(w.last_answer // 16 AS INTEGER) AS last_nps_idx,
       w.last_growth_idx, w.start_idx = b.first_idx AS installed
FROM windowed w CROSS JOIN book b
WHERE w.mrr > 0
ORDER BY w.month_idx, w.account_key;

CREATE TABLE journey_account AS
WITH per_account AS (
    SELECT account_key,
           list({'k': CAST(month_idx - start_idx AS INTEGER), 'u': utilisation}) FILTER (WHERE mrr > 0) AS months,
           max(month_idx) FILTER (WHERE mrr > 0) AS last_active_idx,
           max(products) FILTER (WHERE month_idx = start_idx) AS start_products,
           max(mrr) FILTER (WHERE month_idx = start_idx + 12) AS mrr_at_12,
           count(*) FILTER (WHERE month_idx = start_idx) AS start_rows
    FROM journey_rows
    WHERE start_idx IS NOT NULL
    GROUP BY account_key
)
SELECT a.account_key, a.combo_key, a.start_idx, a.start_mrr, p.start_products, p.months, p.last_active_idx,
       CASE WHEN a.start_idx + 12 <= b.as_of_idx THEN coalesce(p.mrr_at_12, 0) END AS mrr_12,
       a.start_idx = b.first_idx AS installed
FROM per_account p
JOIN accounts a USING (account_key)
CROSS JOIN book b
WHERE p.last_active_idx IS NOT NULL AND p.start_rows > 0
ORDER BY a.account_key;

DROP TABLE journey_rows;

CREATE TABLE nps_responses AS
SELECT a.account_key, a.combo_key, s.month_idx, s.nps AS score, nullif(trim(s.nps_comment), '') AS comment
FROM stage_signals s JOIN account_keys k USING (account_id) JOIN accounts a USING (account_key)
WHERE s.month_idx BETWEEN (SELECT first_idx FROM book) AND (SELECT as_of_idx FROM book)
  AND (s.nps IS NOT NULL OR nullif(trim(s.nps_comment), '') IS NOT NULL)
ORDER BY s.month_idx, a.account_key;

CREATE TABLE imported_churn_reasons AS
SELECT k.account_key, r.month_idx, r.reason, r.notes
FROM stage_churn_reasons r JOIN account_keys k USING (account_id)
ORDER BY k.account_key, r.month_idx;

CREATE TABLE journey_defaults AS
SELECT CAST($value_share AS DOUBLE) AS value_share, CAST($promoter_score AS INTEGER) AS promoter_score,
       CAST($advocacy_months AS INTEGER) AS advocacy_months;

CREATE TABLE journey_phase_mix AS
SELECT combo_key, month_idx,
       journey_phase(installed, util_best, util_held, last_nps, last_nps_idx, last_growth_idx, month_idx,
                     $value_share, $promoter_score, $advocacy_months) AS phase,
       count(*) AS accounts, sum(mrr) AS mrr
FROM journey_month
GROUP BY ALL
ORDER BY month_idx, combo_key, phase;

CREATE TABLE nps_month AS
SELECT combo_key, month_idx, count(*) AS responses,
       count(*) FILTER (WHERE score >= 9) AS promoters, count(*) FILTER (WHERE score <= 6) AS detractors
FROM nps_responses
WHERE score IS NOT NULL
GROUP BY ALL
ORDER BY month_idx, combo_key;
