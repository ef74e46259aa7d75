-- Validated subscription periods with the months they cover.
-- Month rule: a period counts in month m when it is in force on m's first day,
-- i.e. start_date <= first day of m < end_date (end_date exclusive). For
-- first-of-month dates this is exactly "start month up to the month before end".
-- last_idx is NULL for an ongoing period (blank end_date).
CREATE TEMP TABLE stage_periods AS
WITH typed AS (
    SELECT trim(account_id) AS account_id,
           coalesce(nullif(trim(product), ''), $default_product) AS product,
           CAST(strptime(trim(start_date), '%Y-%m-%d') AS DATE) AS starts,
           CAST(try_strptime(nullif(trim(end_date), ''), '%Y-%m-%d') AS DATE) AS ends,
           CAST(trim(monthly_amount) AS DOUBLE) AS mrr
    FROM raw
)
SELECT account_id, product, mrr,
       year(starts) * 12 + month(starts) - 1 + CASE WHEN day(starts) = 1 THEN 0 ELSE 1 END AS first_idx,
       year(ends) * 12 + month(ends) - 1 - CASE WHEN day(ends) = 1 THEN 1 ELSE 0 END AS last_idx
FROM typed;
