-- Mark every row of one version pruned: its kept copy was deleted (the only
-- change the triggers allow). $version: the version id.
UPDATE history SET pruned = 1 WHERE version = $version AND pruned = 0;
