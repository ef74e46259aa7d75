-- Subscription import without an accounts file: empty staging tables, filled
-- from the validated periods by stage_accounts_from_revenue.sql.
CREATE TEMP TABLE stage_accounts (account_id VARCHAR, name VARCHAR, segment VARCHAR, region VARCHAR,
    industry VARCHAR, csm_owner VARCHAR, renewal_date DATE, executive_sponsor VARCHAR);
CREATE TEMP TABLE stage_attributes (account_id VARCHAR, name VARCHAR, value VARCHAR);
