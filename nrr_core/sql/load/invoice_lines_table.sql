-- The typed invoice lines of every --invoice-lines file of one load, appended
-- file by file by stage_invoice_lines.sql and screened per file. No parameters.
-- Grain: one row per line of the files, in file order; file_no tells the files apart.
--   line_type  lower-cased type, 'subscription' when blank (unknown types stay, for the screen)
--   prorated   NULL when the text is neither true, false nor blank (for the screen)
--   starts, ends  the service period (ends exclusive); NULL when not a date
--   amount     the whole period's amount in the line's currency; NULL when not a number
--   currency   upper-cased ISO code, '' when blank (the reporting currency)
CREATE TEMP TABLE invoice_lines (
    file_no INTEGER, account_id VARCHAR, product VARCHAR, line_type VARCHAR, prorated BOOLEAN,
    starts DATE, ends DATE, amount DOUBLE, currency VARCHAR);
