-- How many typed lines of one invoice-lines file have a problem
-- (validate_invoice_lines.sql says which is first, in the same words).
-- Parameters: $file_no; $line_types (load.LINE_TYPES); $fx_given (true when --fx gave rates: then every
-- non-blank currency needs one in stage_fx).
-- Grain: one row, the count.
SELECT count(*) AS problems
FROM invoice_lines
WHERE file_no = $file_no
  AND (nullif(account_id, '') IS NULL
       OR NOT list_contains($line_types, line_type)
       OR starts IS NULL OR ends IS NULL OR ends < starts
       OR amount IS NULL OR isnan(amount) OR isinf(amount)
       OR prorated IS NULL
       -- a negative full-price subscription line is refused (credits have their own types)
       OR (line_type = 'subscription' AND NOT prorated AND amount < 0)
       OR ($fx_given AND currency <> '' AND currency NOT IN (SELECT currency FROM stage_fx)));
