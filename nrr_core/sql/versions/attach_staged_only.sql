-- Before the first publish there is no book in force: attach the staged book
-- ($staged, as "new") read-only, and an empty in-memory "cur" with the tables
-- the comparison reads (figures.sql, account_differences.sql), so the same
-- queries compare it with nothing. Then no other file may be read.
ATTACH $staged AS new (READ_ONLY);
ATTACH ':memory:' AS cur;
CREATE TABLE cur.book AS SELECT * FROM new.book WHERE false;
CREATE TABLE cur.accounts AS SELECT * FROM new.accounts WHERE false;
CREATE TABLE cur.mrr AS SELECT * FROM new.mrr WHERE false;
CREATE TABLE cur.combo_month AS SELECT * FROM new.combo_month WHERE false;
CREATE TABLE cur.combo_retention AS SELECT * FROM new.combo_retention WHERE false;
SET enable_external_access = false;
