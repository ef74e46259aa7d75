-- Validated mrr.csv rows, typed: month as a month index, MRR as a number.
CREATE TEMP TABLE stage_revenue AS
SELECT trim(account_id) AS account_id,
       trim(product)    AS product,
       CAST(substr(trim(month), 1, 4) AS INTEGER) * 12 + CAST(substr(trim(month), 6, 2) AS INTEGER) - 1 AS month_idx,
       CAST(trim(mrr) AS DOUBLE) AS mrr
FROM raw;
