-- Error path of the one-currency rule (no --fx): in one staged invoice-lines
-- file (raw, numbered), the first record whose non-blank currency differs from
-- $currency, or, when $currency is NULL (no earlier file had one), from the
-- file's own first non-blank currency.
-- Parameters: $currency (upper-cased code, or NULL). Grain: at most one row
-- (rec, currency, first_currency).
WITH coded AS (
    SELECT rec, upper(trim(coalesce(currency, ''))) AS code FROM raw
), first AS (
    SELECT coalesce(CAST($currency AS VARCHAR),
                    (SELECT code FROM coded WHERE code <> '' ORDER BY rec LIMIT 1)) AS code
)
SELECT c.rec, c.code AS currency, f.code AS first_currency
FROM coded c, first f
WHERE c.code <> '' AND c.code <> f.code
ORDER BY c.rec
LIMIT 1;
