-- Subscription periods expanded to one row per covered month up to the as-of
-- month. Overlapping periods of one customer are kept here and summed later.
CREATE TEMP TABLE stage_revenue AS
SELECT account_id, product, month_idx, mrr
FROM (SELECT account_id, product, mrr,
             unnest(range(first_idx, least(coalesce(last_idx, $as_of_idx), $as_of_idx) + 1)) AS month_idx
      FROM stage_periods);
