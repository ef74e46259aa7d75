-- The rules journey_phase_mix was built with at load (one row: value_share,
-- promoter_score, advocacy_months). No parameters.
SELECT value_share, promoter_score, advocacy_months FROM journey_defaults;
