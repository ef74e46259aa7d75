-- The customer journey's load-time tables, built right after review_tables.sql
-- on the same connection (reads account_month, accounts, signals, book and the
-- temporary stage_signals / stage_churn_reasons). Rules that depend on a
-- threshold (the value share, the advocacy window, stall limits) are applied
-- at query time (nrr_core/sql/insight/*.sql), so nrr.toml [journey] can change
-- them without a reload; only threshold-free inputs are computed here.
-- Parameters: $sustain_months (months in a row at the value share that make
-- "value realisation"; nrr_core/insight/rules.py SUSTAIN_MONTHS).
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
--                    lines, utilisation by month since start (LIST, index k+1,
--                    NULL where unknown or inactive), the months since start it
--                    was active (LIST of k), last active month, MRR
--                    12 months after start (NULL when past the as-of month).
--   nps_responses    per survey answer: account, month, score (NULL if only a
--                    comment), comment (untrusted text, NULL if none).
--   imported_churn_reasons  churn reasons given in a churn_reasons.csv at load
--                    (account_key, month_idx, reason, notes); empty without one.
CREATE TABLE journey_month AS
WITH rows AS (
    SELECT m.account_key, m.combo_key, m.month_idx, m.mrr, a.start_idx,
           m.expansion + m.cross_sell AS grew,
           CASE WHEN s.seats_licensed > 0 THEN s.active_users / s.seats_licensed END AS utilisation,
           s.nps
    FROM account_month m
    JOIN accounts a USING (account_key)
    LEFT JOIN signals s USING (account_key, month_idx)
), windowed AS (
    SELECT *,
           max(utilisation) OVER upto AS util_best,
           CASE WHEN count(utilisation) OVER held = $sustain_months THEN min(utilisation) OVER held END AS util_held,
           arg_max(nps, month_idx) FILTER (WHERE nps IS NOT NULL) OVER upto AS last_nps,
           max(month_idx) FILTER (WHERE nps IS NOT NULL) OVER upto AS last_nps_idx,
           max(month_idx) FILTER (WHERE grew > 0) OVER upto AS last_growth_idx
    FROM rows
    WINDOW upto AS (PARTITION BY account_key ORDER BY month_idx ROWS UNBOUNDED PRECEDING),
           held AS (PARTITION BY account_key ORDER BY month_idx
                    RANGE BETWEEN $sustain_months - 1 PRECEDING AND CURRENT ROW)
)
SELECT w.account_key, w.combo_key, w.month_idx, CAST(w.month_idx - w.start_idx AS INTEGER) AS k, w.mrr,
       w.utilisation, w.util_best, w.util_held, w.last_nps, w.last_nps_idx, w.last_growth_idx,
       w.start_idx = b.first_idx AS installed
FROM windowed w CROSS JOIN book b
WHERE w.mrr > 0
ORDER BY w.month_idx, w.account_key;

CREATE TABLE journey_account AS
WITH util AS (
    SELECT a.account_key,
           list(u.utilisation ORDER BY s.month_idx) AS util_by_k,
           list(s.month_idx - a.start_idx ORDER BY s.month_idx) FILTER (WHERE u.account_key IS NOT NULL) AS active_k
    FROM accounts a
    JOIN spine s ON s.month_idx >= a.start_idx
    LEFT JOIN journey_month u ON u.account_key = a.account_key AND u.month_idx = s.month_idx
    WHERE a.start_idx IS NOT NULL
    GROUP BY a.account_key
)
SELECT a.account_key, a.combo_key, a.start_idx, a.start_mrr, s.products AS start_products,
       u.util_by_k, coalesce(u.active_k, []) AS active_k, l.last_active_idx,
       CASE WHEN a.start_idx + 12 <= b.as_of_idx THEN coalesce(t.mrr, 0) END AS mrr_12,
       a.start_idx = b.first_idx AS installed
FROM accounts a
CROSS JOIN book b
JOIN util u USING (account_key)
JOIN (SELECT account_key, max(month_idx) AS last_active_idx FROM journey_month GROUP BY ALL) l USING (account_key)
JOIN account_month s ON s.account_key = a.account_key AND s.month_idx = a.start_idx
LEFT JOIN account_month t ON t.account_key = a.account_key AND t.month_idx = a.start_idx + 12
ORDER BY a.account_key;

CREATE TABLE nps_responses AS
SELECT k.account_key, s.month_idx, s.nps AS score, nullif(trim(s.nps_comment), '') AS comment
FROM stage_signals s JOIN account_keys k USING (account_id)
WHERE s.month_idx BETWEEN (SELECT first_idx FROM book) AND (SELECT as_of_idx FROM book)
  AND (s.nps IS NOT NULL OR nullif(trim(s.nps_comment), '') IS NOT NULL)
ORDER BY s.month_idx, k.account_key;

CREATE TABLE imported_churn_reasons AS
SELECT k.account_key, r.month_idx, r.reason, r.notes
FROM stage_churn_reasons r JOIN account_keys k USING (account_id)
ORDER BY k.account_key, r.month_idx;

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
-- month), from journey_account.util_by_k; NULL if not reached.
CREATE MACRO time_to_value(util_by_k, value_share) AS
    list_position(list_transform(util_by_k, lambda u: coalesce(u >= value_share, false)), true) - 1;
