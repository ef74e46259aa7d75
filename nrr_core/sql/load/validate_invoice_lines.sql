-- First problem in one staged invoice-lines file (raw, numbered), by record; no
-- row if it is clean. The same rules as screen_invoice_lines.sql, in words.
-- Parameters: $line_types (load.LINE_TYPES), $fx_given (true when --fx gave rates, in stage_fx), $fx_name (the
-- fx file's name, for the message).
-- Grain: at most one row (rec, problem).
WITH typed AS (
    SELECT rec, account_id, type, prorated, service_period_start, service_period_end, amount,
           try_strptime(trim(service_period_start), '%Y-%m-%d') AS starts,
           try_strptime(trim(service_period_end), '%Y-%m-%d') AS ends,
           coalesce(nullif(lower(trim(type)), ''), 'subscription') AS line_type,
           lower(trim(coalesce(prorated, ''))) AS prorated_text,
           try_cast(trim(amount) AS DOUBLE) AS value,
           upper(trim(coalesce(currency, ''))) AS code
    FROM raw
), checked AS (
    SELECT rec,
        CASE
            WHEN nullif(trim(account_id), '') IS NULL THEN 'customer_id is blank'
            WHEN NOT list_contains($line_types, line_type)
                THEN 'type ''' || left(trim(type), 40) || ''' is not one of ' || array_to_string($line_types, ', ')
            WHEN nullif(trim(service_period_start), '') IS NULL THEN 'service_period_start is blank'
            WHEN starts IS NULL
                THEN 'service_period_start ''' || left(service_period_start, 40) || ''' is not a date like 2024-07-01'
            WHEN nullif(trim(service_period_end), '') IS NULL THEN 'service_period_end is blank'
            WHEN ends IS NULL
                THEN 'service_period_end ''' || left(service_period_end, 40) || ''' is not a date like 2024-07-01'
            WHEN ends < starts
                THEN 'service_period_end ' || trim(service_period_end) || ' is before service_period_start '
                     || trim(service_period_start)
            WHEN nullif(trim(amount), '') IS NULL THEN 'amount is blank'
            WHEN value IS NULL THEN 'amount ''' || left(amount, 40) || ''' is not a number'
            WHEN isnan(value) OR isinf(value) THEN 'amount ''' || left(amount, 40) || ''' is not a finite number'
            WHEN prorated_text NOT IN ('true', 'false', '')
                THEN 'prorated ''' || left(prorated, 40) || ''' is not true or false (or blank)'
            WHEN line_type = 'subscription' AND prorated_text <> 'true' AND value < 0
                THEN 'amount ' || trim(amount) || ' is negative on a subscription line (bill credits and refunds '
                     || 'as type credit or refund, a mid-period change with prorated true)'
            WHEN $fx_given AND code <> '' AND code NOT IN (SELECT currency FROM stage_fx)
                THEN 'currency ''' || left(code, 40) || ''' has no rate in ' || $fx_name
        END AS problem
    FROM typed
)
SELECT rec, problem FROM checked WHERE problem IS NOT NULL ORDER BY rec LIMIT 1;
