-- Every row of the load history, oldest first (the last row is the book in force).
SELECT id, version, action, published_at, who, files, accounts, mrr_rows, first_month, as_of, months,
       arr, nrr, grr, logo_retention, load_id, pruned
FROM history
ORDER BY id;
