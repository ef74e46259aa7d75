-- One account's signals by month (for the review's signal trends): seats,
-- active users, utilisation, support tickets and NPS (NULL = not recorded).
SELECT month_label(s.month_idx) AS month, s.seats_licensed, s.active_users,
       CASE WHEN s.seats_licensed > 0 THEN s.active_users / s.seats_licensed END AS utilisation,
       s.support_tickets, s.nps
FROM signals s
WHERE s.account_key = (SELECT account_key FROM accounts WHERE account_id = $account_id)
ORDER BY s.month_idx;
