-- Stage one input CSV as text. Every column is read as VARCHAR so that
-- validation, not the CSV reader, decides what a bad value is. $columns maps
-- our canonical names (or x<N> for extra columns) to VARCHAR, in file order.
-- Records are numbered (number_records.sql) only when a problem must be located.
CREATE TEMP TABLE raw AS
SELECT *
FROM read_csv($path, header = true, all_varchar = true, auto_detect = false,
              columns = $columns, delim = $delim, quote = '"', escape = '"',
              strict_mode = true, null_padding = false, encoding = 'utf-8');
