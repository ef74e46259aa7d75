-- Every decision, oldest first (the export).
SELECT * FROM decisions ORDER BY id;
