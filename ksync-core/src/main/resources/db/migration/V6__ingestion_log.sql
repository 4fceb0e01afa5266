-- Raw ingestion (PRODUCT.md §8): one row per datasource run, replacing the runbook's three logging SQL files
-- (log_ingestion_start / _success / _error). Windows are kept in the runbook's form (2025-09-01T00:00:00.000000).
create table ingestion_log (
    id             bigserial primary key,
    account_id     text not null,
    schema_name    text not null,
    source_name    text not null,
    workflow_name  text not null,
    table_name     text not null,
    mode           text not null check (mode in ('hist', 'inc')),
    status         text not null check (status in ('running', 'success', 'error')),
    rows           bigint,
    window_start   text,
    window_end     text,
    duration_ms    bigint,
    error_message  text,
    started_at     timestamptz not null,
    finished_at    timestamptz
);
create index ingestion_log_account on ingestion_log (account_id, started_at desc, id desc);

-- Raw tables flatten Klaviyo's scalar attributes into typed columns; a value that is not a datetime after all
-- must not fail the whole window (the record keeps it in its jsonb column).
create function ksync_try_timestamptz(v text) returns timestamptz
    language plpgsql immutable as $$
begin
    return v::timestamptz;
exception when others then
    return null;
end $$;
