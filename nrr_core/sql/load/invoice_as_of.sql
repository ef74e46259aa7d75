-- The default as-of month of invoice lines: the month of the latest
-- service_period_start over every line of every file (prepaid periods reach
-- past it; the loader keeps nothing after it). No parameters.
-- Grain: one row (as_of_idx; NULL if there are no lines).
SELECT year(max(starts)) * 12 + month(max(starts)) - 1 AS as_of_idx FROM invoice_lines;
