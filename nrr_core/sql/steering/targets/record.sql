-- Append one target entry; returns its id.
-- Parameters: $scope, $scope_value, $period, $metric, $target, $recorded_by, $recorded_at, $source.
-- Grain: one new row.
INSERT INTO targets (scope, scope_value, period, metric, target, recorded_by, recorded_at, source)
VALUES ($scope, $scope_value, $period, $metric, $target, $recorded_by, $recorded_at, $source)
RETURNING id;
