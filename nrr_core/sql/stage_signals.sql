-- Validated signals rows, typed. Blank counts stay NULL (unknown, not zero).
CREATE TEMP TABLE stage_signals AS
SELECT trim(account_id) AS account_id,
       CAST(substr(trim(month), 1, 4) AS INTEGER) * 12 + CAST(substr(trim(month), 6, 2) AS INTEGER) - 1 AS month_idx,
       try_cast(trim(seats_licensed) AS INTEGER)  AS seats_licensed,
       try_cast(trim(active_users) AS INTEGER)    AS active_users,
       try_cast(trim(support_tickets) AS INTEGER) AS support_tickets,
       try_cast(trim(nps) AS INTEGER)             AS nps
FROM raw;
