-- The distinct non-blank currencies of one invoice-lines file, to check that
-- without --fx all lines share one currency (a cheap pass over a short list).
-- Parameters: $file_no. Grain: one row per currency.
SELECT DISTINCT currency FROM invoice_lines WHERE file_no = $file_no AND currency <> '' ORDER BY currency;
