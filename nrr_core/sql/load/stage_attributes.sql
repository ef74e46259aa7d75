-- Extra account columns (x0, x1, ... in file order) become (account, name, value)
-- rows; $extra_names holds the header names in the same order. Blank values
-- are kept as '(none)' so every account has every attribute.
INSERT INTO stage_attributes
SELECT trim(account_id), $extra_names[CAST(substr(col, 2) AS INTEGER) + 1], coalesce(nullif(trim(value), ''), '(none)')
FROM raw UNPIVOT INCLUDE NULLS (value FOR col IN (COLUMNS('^x[0-9]+$')))
WHERE $extra_names[CAST(substr(col, 2) AS INTEGER) + 1] <> '';
