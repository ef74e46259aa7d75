-- Open the book in force ($current, as "cur") and a staged book ($staged, as
-- "new") read-only in one in-memory session, to compare them
-- (figures.sql, account_differences.sql); then no other file may be read.
ATTACH $current AS cur (READ_ONLY);
ATTACH $staged AS new (READ_ONLY);
SET enable_external_access = false;
