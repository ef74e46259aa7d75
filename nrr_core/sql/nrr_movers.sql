-- What moved net retention over $from_idx..$to_idx: each selected account that
-- was active just before the window (the NRR bridge population), its MRR then
-- and at the window's end, and its contribution to the window's NRR in
-- fractions of the base: change / total starting MRR. Contributions of all
-- accounts sum to (bridge NRR - 1). Accounts with no change are left out.
WITH base AS (
    SELECT m.account_key, m.prev_mrr AS start_mrr
    FROM account_month m
    SEMI JOIN selected_accounts($segment, $region, $industry, $csm_owner, $extra_pairs, $extra_count) s
        ON s.account_key = m.account_key
    WHERE m.month_idx = $from_idx AND m.prev_mrr > 0
), scored AS (
    SELECT b.account_key, b.start_mrr, coalesce(e.mrr, 0) AS end_mrr,
           coalesce(e.mrr, 0) - b.start_mrr AS change,
           (coalesce(e.mrr, 0) - b.start_mrr) / sum(b.start_mrr) OVER () AS nrr_contribution
    FROM base b
    LEFT JOIN (SELECT account_key, mrr FROM account_month WHERE month_idx = $to_idx) e USING (account_key)
)
SELECT a.account_id, a.name, a.segment, a.csm_owner, s.start_mrr, s.end_mrr, s.change, s.nrr_contribution
FROM scored s JOIN accounts a USING (account_key)
WHERE s.change <> 0
ORDER BY s.change DESC, a.account_id;
