-- Stage one input CSV as text, numbered by record (1 = first row after the header).
-- Every column is read as VARCHAR so that validation, not the CSV reader, decides
-- what a bad value is, and can name its line. $columns maps our canonical names
-- (or x<N> for extra columns) to VARCHAR, in the file's column order.
CREATE TEMP TABLE raw AS
SELECT row_number() OVER () AS rec, *
FROM read_csv($path, header = true, all_varchar = true, auto_detect = false,
              columns = $columns, delim = $delim, quote = '"', escape = '"',
              strict_mode = true, null_padding = false, encoding = 'utf-8');
