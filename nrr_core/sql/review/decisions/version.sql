-- Changes whenever a decision is added (cache key for the pages).
SELECT coalesce(max(id), 0) AS version FROM decisions;
