-- Migration of a decisions store made before forecast calls existed: adds the
-- forecast_call column (NULL on every earlier decision: no call made). Run
-- once, when the column is missing (DecisionStore._connect). Parameters: none.
ALTER TABLE decisions ADD COLUMN forecast_call TEXT
    CHECK (forecast_call IN ('commit', 'likely', 'at risk', 'lost'));
