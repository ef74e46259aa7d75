-- Extra account columns (x0, x1, ... in file order) become (account, name, value)
-- rows; $extra_names holds the header names in the same order.
INSERT INTO stage_attributes
SELECT trim(account_id), $extra_names[CAST(substr(col, 2) AS INTEGER) + 1], coalesce(nullif(trim(value), ''), '(none)')
FROM (UNPIVOT INCLUDE NULLS (SELECT account_id, COLUMNS('^x[0-9]+$') FROM raw)
      ON COLUMNS('^x[0-9]+$') INTO NAME col VALUE value)
WHERE $extra_names[CAST(substr(col, 2) AS INTEGER) + 1] <> '';
