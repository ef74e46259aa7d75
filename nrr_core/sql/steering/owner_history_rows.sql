-- How many owner-history rows the book holds (0 without owners.csv): which
-- book rule the scorecards use. Parameters: none. Grain: one row.
SELECT count(*) AS owner_rows FROM owner_history;
