-- Number the staged records in file order (1 = first row after the header), for
-- the validate_*.sql queries that name the first bad record. The table keeps
-- the file's order (insertion order is preserved), so row_number follows it.
CREATE OR REPLACE TEMP TABLE raw AS SELECT row_number() OVER () AS rec, * FROM raw;
