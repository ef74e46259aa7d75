-- The id the next published book gets: one more than any version recorded.
SELECT coalesce(max(version), 0) + 1 AS version FROM history;
