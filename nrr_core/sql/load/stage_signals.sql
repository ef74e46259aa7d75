-- signals.csv rows typed. Blank counts stay NULL (unknown, not zero); a bad
-- value is flagged in its *_ok column for screen_signals.sql. nps_comment is
-- free, untrusted text kept as given (cut at 2,000 characters).
CREATE TEMP TABLE stage_signals AS
WITH months AS (
    SELECT month, month_index(month) AS month_idx FROM (SELECT DISTINCT month FROM raw)
)
SELECT trim(r.account_id) AS account_id,
       m.month_idx,
       try_cast(trim(r.seats_licensed) AS INTEGER)  AS seats_licensed,
       try_cast(trim(r.active_users) AS INTEGER)    AS active_users,
       try_cast(trim(r.support_tickets) AS INTEGER) AS support_tickets,
       try_cast(trim(r.nps) AS INTEGER)             AS nps,
       left(r.nps_comment, 2000)                    AS nps_comment,
       count_problem('seats_licensed', r.seats_licensed) IS NULL
           AND count_problem('active_users', r.active_users) IS NULL
           AND count_problem('support_tickets', r.support_tickets) IS NULL
           AND (nullif(trim(r.nps), '') IS NULL OR coalesce(try_cast(trim(r.nps) AS BIGINT), -1) BETWEEN 0 AND 10)
           AS values_ok
FROM raw r LEFT JOIN months m ON m.month IS NOT DISTINCT FROM r.month;
