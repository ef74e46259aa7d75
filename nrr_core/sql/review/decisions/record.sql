-- Append one decision; returns its id.
INSERT INTO decisions (account_id, status, department, next_action, action_owner, due_date, note,
                       recorded_by, recorded_at, book_month, forecast_call)
VALUES ($account_id, $status, $department, $next_action, $action_owner, $due_date, $note,
        $recorded_by, $recorded_at, $book_month, $forecast_call)
RETURNING id;
