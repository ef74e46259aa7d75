-- The book's one-row description: data range and load details.
SELECT first_idx, as_of_idx, load_id, loaded_at, sources,
       (SELECT coalesce(sum(accounts), 0) FROM combos) AS accounts,
       (SELECT count(*) FROM products) AS products
FROM book;
