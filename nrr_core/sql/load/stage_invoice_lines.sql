-- One staged invoice-lines file (raw, all text) typed and appended to
-- invoice_lines. Tolerant: a bad value becomes NULL (an unknown type stays,
-- lower-cased) and screen_invoice_lines.sql counts it. Dates are parsed once per
-- distinct text, as stage_mrr.sql does for months: a billing export repeats a
-- few hundred period dates millions of times.
-- Parameters: $file_no (1, 2, ... in command-line order), $default_product
-- (the product of a line whose product is blank or absent).
-- Grain: one row per record of the file.
INSERT INTO invoice_lines
WITH dates AS (
    SELECT d AS text, CAST(try_strptime(trim(d), '%Y-%m-%d') AS DATE) AS day
    FROM (SELECT DISTINCT service_period_start AS d FROM raw
          UNION SELECT DISTINCT service_period_end FROM raw)
)
SELECT CAST($file_no AS INTEGER),
       trim(r.account_id),
       coalesce(nullif(trim(r.product), ''), $default_product),
       coalesce(nullif(lower(trim(r.type)), ''), 'subscription'),
       CASE lower(trim(coalesce(r.prorated, ''))) WHEN 'true' THEN true WHEN 'false' THEN false
                                                 WHEN '' THEN false END,
       s.day,
       e.day,
       try_cast(trim(r.amount) AS DOUBLE),
       upper(trim(coalesce(r.currency, '')))
FROM raw r
LEFT JOIN dates s ON s.text IS NOT DISTINCT FROM r.service_period_start
LEFT JOIN dates e ON e.text IS NOT DISTINCT FROM r.service_period_end;
