-- Each account's latest decision, with how many it has had and when it was
-- last reviewed (the same, as decisions are only ever added), and when the
-- store's first decision was recorded (store_since: "no review in 180 days"
-- only means something once reviews have been recorded for that long).
SELECT d.*, n.reviews, (SELECT min(recorded_at) FROM decisions) AS store_since
FROM decisions d
JOIN (SELECT account_id, max(id) AS id, count(*) AS reviews FROM decisions GROUP BY account_id) n USING (id)
ORDER BY d.account_id;
