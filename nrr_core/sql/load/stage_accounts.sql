-- Clean, validated accounts (from accounts.csv or a customers file) and their
-- extra attributes. Blank optional attributes become '(none)' so they can be
-- filtered and grouped like any other value.
CREATE TEMP TABLE stage_accounts AS
SELECT trim(account_id)                                   AS account_id,
       coalesce(nullif(trim(name), ''), trim(account_id)) AS name,
       coalesce(nullif(trim(segment), ''), '(none)')      AS segment,
       coalesce(nullif(trim(region), ''), '(none)')       AS region,
       coalesce(nullif(trim(industry), ''), '(none)')     AS industry,
       coalesce(nullif(trim(csm_owner), ''), '(none)')    AS csm_owner,
       CAST(try_strptime(nullif(trim(renewal_date), ''), '%Y-%m-%d') AS DATE) AS renewal_date,
       nullif(trim(executive_sponsor), '')                AS executive_sponsor
FROM raw;

CREATE TEMP TABLE stage_attributes (account_id VARCHAR, name VARCHAR, value VARCHAR);
