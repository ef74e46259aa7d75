-- Each account's latest decision, with how many it has had and when it was
-- last reviewed (the same, as decisions are only ever added).
SELECT d.*, n.reviews
FROM decisions d
JOIN (SELECT account_id, max(id) AS id, count(*) AS reviews FROM decisions GROUP BY account_id) n USING (id)
ORDER BY d.account_id;
