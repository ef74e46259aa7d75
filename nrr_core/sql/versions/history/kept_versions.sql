-- The versions whose copy is still kept, newest first (publish prunes past the newest N).
SELECT DISTINCT version FROM history WHERE pruned = 0 ORDER BY version DESC;
