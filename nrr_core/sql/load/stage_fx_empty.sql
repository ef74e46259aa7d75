-- No --fx: no rates. Every line is taken in the one currency of the files
-- (the loader has checked there is at most one). No parameters.
CREATE TEMP TABLE stage_fx (currency VARCHAR, rate DOUBLE);
