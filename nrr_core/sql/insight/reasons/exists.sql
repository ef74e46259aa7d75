-- Whether this store has the churn_reasons table yet (1 or 0). No parameters.
SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'churn_reasons';
