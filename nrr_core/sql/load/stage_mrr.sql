-- mrr.csv rows typed: month as a month index, MRR as a number. Tolerant: a bad
-- value becomes NULL here and screen_mrr.sql counts it; months are parsed once
-- per distinct value.
CREATE TEMP TABLE stage_revenue AS
WITH months AS (
    SELECT month, month_index(month) AS month_idx FROM (SELECT DISTINCT month FROM raw)
)
SELECT trim(r.account_id) AS account_id,
       trim(r.product)    AS product,
       m.month_idx,
       try_cast(trim(r.mrr) AS DOUBLE) AS mrr
FROM raw r LEFT JOIN months m ON m.month IS NOT DISTINCT FROM r.month;
