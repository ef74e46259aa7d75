-- The review board's load-time tables, built right after build_book.sql on the
-- same connection (it reads build_book's account_month, signals, mrr and the
-- temporary account_keys).
-- Parameters: $horizon (nrr_core/review/factors.py HORIZON, the months the
-- back-test and the calibration watch).
--   account_health  per account and active month: the score inputs and factors
--                   (nrr_core/review/factors.py), from that month and earlier only
--   account_scores  macro: the scores of a month range for a $weights STRUCT
--   account_outcomes per account and active month: what happened in the
--                   $horizon months after (score_outcomes, computed once)
--   score_outcomes  macro: what happened in the following months (back-test
--                   and calibration outcomes; never a score input)

-- Account health per account and month it had revenue: the inputs of the
-- review board's risk and expansion scores (nrr_core/review.py). Every column
-- reads only the account's own month and earlier months, so the score of a
-- past month is what it would have been then (the back-test relies on this).
-- Signal columns are NULL where no signal was recorded; a factor with missing
-- inputs is false.
--   utilisation        active users / seats licensed in the month
--   usage_change       the larger fall (or smaller rise) of utilisation and of
--                      active users against 3 months earlier, as a fraction
--   tickets_3m         support tickets in this and the 2 previous months;
--   tickets_before     the 3-month average of the 6 months before those
--   nps_latest         the latest NPS response in this and the 5 previous months
--   top_account        among the accounts making up the top 80 % of the book's
--                      MRR in the month (largest first)
-- The revenue and signal months are joined first, so every window below is one
-- pass over one sort (RANGE frames count calendar months, and a month with no
-- signal or no revenue row only adds NULLs, which the aggregates skip).
CREATE TABLE account_health AS
WITH months AS (
    SELECT account_key, month_idx, m.mrr, m.products, m.contraction, m.expansion + m.cross_sell AS gain,
           s.active_users, s.support_tickets, s.nps,
           CASE WHEN s.seats_licensed > 0 THEN s.active_users / s.seats_licensed END AS utilisation
    FROM account_month m FULL JOIN signals s USING (account_key, month_idx)
), windowed AS (
    SELECT account_key, month_idx, mrr, products, utilisation, active_users,
           sum(contraction) OVER recent3 AS contraction_3m,
           sum(gain) OVER recent6 AS expansion_6m,
           max(products) OVER before1_6 AS products_before,
           first(utilisation) OVER ago3 AS utilisation_before,
           first(active_users) OVER ago3 AS users_before,
           sum(support_tickets) OVER recent3 AS tickets_3m,
           count(support_tickets) OVER recent3 AS ticket_months_3m,
           sum(support_tickets) OVER before3_8 / 2.0 AS tickets_before,
           count(support_tickets) OVER before3_8 AS ticket_months_before,
           arg_max(nps, month_idx) FILTER (WHERE nps IS NOT NULL) OVER recent6 AS nps_latest
    FROM months
    WINDOW recent3 AS (PARTITION BY account_key ORDER BY month_idx RANGE BETWEEN 2 PRECEDING AND CURRENT ROW),
           recent6 AS (PARTITION BY account_key ORDER BY month_idx RANGE BETWEEN 5 PRECEDING AND CURRENT ROW),
           before1_6 AS (PARTITION BY account_key ORDER BY month_idx RANGE BETWEEN 6 PRECEDING AND 1 PRECEDING),
           before3_8 AS (PARTITION BY account_key ORDER BY month_idx RANGE BETWEEN 8 PRECEDING AND 3 PRECEDING),
           ago3 AS (PARTITION BY account_key ORDER BY month_idx RANGE BETWEEN 3 PRECEDING AND 3 PRECEDING)
    QUALIFY mrr > 0
), book_month AS (
    SELECT month_idx, count(DISTINCT product_key) AS products_sold FROM mrr GROUP BY ALL
), ranked AS (
    SELECT w.*,
           CASE WHEN w.utilisation_before > 0 THEN w.utilisation / w.utilisation_before - 1 END AS utilisation_change,
           CASE WHEN w.users_before > 0 THEN w.active_users / w.users_before - 1 END AS users_change,
           sum(w.mrr) OVER (PARTITION BY w.month_idx ORDER BY w.mrr DESC, w.account_key
                            ROWS UNBOUNDED PRECEDING) - w.mrr
               < 0.8 * sum(w.mrr) OVER (PARTITION BY w.month_idx) AS top_account,
           b.products_sold
    FROM windowed w
    JOIN book_month b USING (month_idx)
)
SELECT r.account_key, r.month_idx, r.mrr, r.products, r.utilisation,
       least(r.utilisation_change, r.users_change) AS usage_change,
       r.tickets_3m, r.tickets_before, r.nps_latest,
       -- risk factors
       coalesce(least(r.utilisation_change, r.users_change) <= -0.2, false) AS usage_drop,
       coalesce(r.utilisation < 0.5, false) AS low_utilisation,
       coalesce(r.contraction_3m < 0, false) AS recent_contraction,
       coalesce(r.products < r.products_before, false) AS product_dropped,
       coalesce(r.nps_latest <= 6, false) AS detractor,
       coalesce(r.ticket_months_3m = 3 AND r.ticket_months_before = 6 AND r.tickets_3m >= 3
                AND r.tickets_3m >= 2 * r.tickets_before, false) AS ticket_spike,
       r.top_account AND a.executive_sponsor IS NULL AS top_without_sponsor,
       -- expansion factors
       coalesce(r.utilisation >= 0.9, false) AS high_utilisation,
       coalesce(greatest(r.utilisation_change, r.users_change) >= 0.15
                AND least(r.utilisation_change, r.users_change) > -0.2, false) AS usage_growth,
       r.products = 1 AND r.products_sold >= 2 AS single_product,
       coalesce(r.nps_latest >= 9, false) AS promoter,
       coalesce(r.expansion_6m > 0, false) AS recent_expansion,
       r.top_account
FROM ranked r JOIN account_keys a USING (account_key)
ORDER BY r.month_idx, r.account_key;

-- Risk and expansion scores of the selected months: each factor's points
-- (the STRUCT w, built from nrr_core/review.py FACTORS) where the factor holds.
-- Only factors known at the month itself: the renewal and review factors are
-- added for the current month by review.py.
CREATE MACRO account_scores(from_idx, to_idx, w) AS TABLE
SELECT h.*,
       CAST(struct_extract(w, 'usage_drop') * usage_drop::INT
            + struct_extract(w, 'low_utilisation') * low_utilisation::INT
            + struct_extract(w, 'recent_contraction') * recent_contraction::INT
            + struct_extract(w, 'product_dropped') * product_dropped::INT
            + struct_extract(w, 'detractor') * detractor::INT
            + struct_extract(w, 'ticket_spike') * ticket_spike::INT
            + struct_extract(w, 'top_without_sponsor') * top_without_sponsor::INT AS INTEGER) AS risk_score,
       CAST(struct_extract(w, 'high_utilisation') * high_utilisation::INT
            + struct_extract(w, 'usage_growth') * usage_growth::INT
            + struct_extract(w, 'single_product') * single_product::INT
            + struct_extract(w, 'promoter') * promoter::INT
            + struct_extract(w, 'recent_expansion') * recent_expansion::INT AS INTEGER) AS expansion_score
FROM account_health h
WHERE h.month_idx BETWEEN from_idx AND to_idx;

-- What happened to each account active in a month over the $horizon months
-- after it (the back-test's outcome; never an input of a score): churned or
-- contracted, the MRR lost that way, and expansion or cross-sell. Built from the
-- few months with a loss or a gain, each counted for the $horizon months before
-- it; the sums add the months in order, as the window of score_outcomes does.
-- Grain: one row per account-month of account_health, same order.
CREATE TABLE account_outcomes AS
WITH events AS (
    SELECT account_key, month_idx, churn, churn + contraction AS loss, expansion + cross_sell AS gain
    FROM account_month
    WHERE churn < 0 OR contraction < 0 OR expansion + cross_sell > 0
), ahead AS (
    SELECT e.account_key, e.month_idx - CAST(r.range AS INTEGER) AS month_idx,
           bool_or(e.loss < 0) AS lost, bool_or(e.churn < 0) AS churned,
           -list_sum(list(e.loss ORDER BY e.month_idx)) AS lost_mrr,
           bool_or(e.gain > 0) AS grew, list_sum(list(e.gain ORDER BY e.month_idx)) AS gained_mrr
    FROM events e CROSS JOIN range(1, $horizon + 1) r
    GROUP BY ALL
)
SELECT h.account_key, h.month_idx, coalesce(a.lost, false) AS lost, coalesce(a.churned, false) AS churned,
       coalesce(a.lost_mrr, 0) AS lost_mrr, coalesce(a.grew, false) AS grew, coalesce(a.gained_mrr, 0) AS gained_mrr
FROM account_health h LEFT JOIN ahead a USING (account_key, month_idx)
ORDER BY h.month_idx, h.account_key;

CREATE TABLE outcome_horizon AS SELECT CAST($horizon AS INTEGER) AS outcome_months;

-- What happened to each account active in a month over the following
-- `horizon` months (the back-test's outcome; never an input of a score):
-- churned or contracted, the MRR lost that way, and expansion or cross-sell.
-- For the loaded horizon it reads account_outcomes; for another it computes
-- them (a constant condition: DuckDB runs only the branch that holds).
CREATE MACRO score_outcomes(from_idx, to_idx, horizon) AS TABLE
WITH ahead AS (
    SELECT account_key, month_idx, mrr,
           coalesce(bool_or(churn < 0 OR contraction < 0) OVER next_months, false) AS lost,
           coalesce(bool_or(churn < 0) OVER next_months, false) AS churned,
           coalesce(-sum(churn + contraction) OVER next_months, 0) AS lost_mrr,
           coalesce(bool_or(expansion + cross_sell > 0) OVER next_months, false) AS grew,
           coalesce(sum(expansion + cross_sell) OVER next_months, 0) AS gained_mrr
    FROM account_month
    WHERE month_idx BETWEEN from_idx AND to_idx + horizon
      AND horizon <> (SELECT outcome_months FROM outcome_horizon)
    WINDOW next_months AS (PARTITION BY account_key ORDER BY month_idx
                           RANGE BETWEEN 1 FOLLOWING AND horizon FOLLOWING)
)
SELECT account_key, month_idx, lost, churned, lost_mrr, grew, gained_mrr
FROM ahead
WHERE month_idx BETWEEN from_idx AND to_idx AND mrr > 0
UNION ALL
SELECT account_key, month_idx, lost, churned, lost_mrr, grew, gained_mrr
FROM account_outcomes
WHERE month_idx BETWEEN from_idx AND to_idx AND horizon = (SELECT outcome_months FROM outcome_horizon);
