-- The accounts whose ARR differs most between the book in force ("cur") and a
-- staged book ("new"), each at its own book's as-of month (12 x current_mrr),
-- including accounts that are in one book only. Largest absolute change
-- first, then account_id; at most $limit rows. Accounts whose ARR is the same
-- in both books are left out. Grain: one row per account_id.
WITH c AS (SELECT account_id, name, current_mrr * 12 AS arr FROM cur.accounts),
     n AS (SELECT account_id, name, current_mrr * 12 AS arr FROM new.accounts)
SELECT coalesce(n.account_id, c.account_id) AS account_id,
       coalesce(n.name, c.name) AS name,
       CASE WHEN c.account_id IS NULL THEN 'only in the new book'
            WHEN n.account_id IS NULL THEN 'only in the current book'
            ELSE 'in both' END AS presence,
       c.arr AS arr_current,
       n.arr AS arr_new,
       coalesce(n.arr, 0) - coalesce(c.arr, 0) AS arr_change
FROM c FULL OUTER JOIN n ON n.account_id = c.account_id
WHERE c.account_id IS NULL OR n.account_id IS NULL OR n.arr <> c.arr
ORDER BY abs(coalesce(n.arr, 0) - coalesce(c.arr, 0)) DESC, account_id
LIMIT $limit;
