-- No churn_reasons.csv in this load: an empty stage_churn_reasons for journey_tables.sql.
CREATE OR REPLACE TEMP TABLE stage_churn_reasons
    (account_id VARCHAR, month_idx INTEGER, reason VARCHAR, notes VARCHAR);
