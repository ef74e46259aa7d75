-- Append one publish or rollback to the load history; returns the row's id.
INSERT INTO history (version, action, published_at, who, files, accounts, mrr_rows, first_month, as_of, months,
                     arr, nrr, grr, logo_retention, load_id)
VALUES ($version, $action, $published_at, $who, $files, $accounts, $mrr_rows, $first_month, $as_of, $months,
        $arr, $nrr, $grr, $logo_retention, $load_id)
RETURNING id;
