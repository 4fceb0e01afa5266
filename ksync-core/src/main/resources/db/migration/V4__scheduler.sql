-- db-scheduler's table (its PostgreSQL schema): every scheduled or background job, shared by all ksync nodes on this
-- database. A row is one task instance; picked/picked_by/last_heartbeat let another node revive a dead node's work.
create table scheduled_tasks (
    task_name            text not null,
    task_instance        text not null,
    task_data            bytea,
    execution_time       timestamptz not null,
    picked               boolean not null,
    picked_by            text,
    last_success         timestamptz,
    last_failure         timestamptz,
    consecutive_failures integer,
    last_heartbeat       timestamptz,
    version              bigint not null,
    priority             smallint,
    primary key (task_name, task_instance)
);
create index scheduled_tasks_execution_time_idx on scheduled_tasks (execution_time);
create index scheduled_tasks_last_heartbeat_idx on scheduled_tasks (last_heartbeat);
create index scheduled_tasks_priority_execution_time_idx on scheduled_tasks (priority desc, execution_time asc);

-- Per-account options of the nightly update; null means the orchestrator's default. (accounts.enabled is in V1.)
alter table accounts
    add column nightly_days            integer check (nightly_days between 1 and 30),
    add column nightly_timeframe_key   text,
    add column nightly_audience_schema text,
    add constraint accounts_nightly_one_window check (nightly_days is null or nightly_timeframe_key is null);

-- The nightly schedule's ledger: one row per account and UTC day, written when the day's run is first scheduled,
-- so a second firing of the cron (or a second node) never schedules the account again that day. run_token names the
-- attempt that owns the row: a node declared dead that wakes up later cannot overwrite its successor's outcome.
create table nightly_runs (
    account_id   text not null references accounts (id) on delete cascade,
    utc_day      date not null,
    status       text not null check (status in ('scheduled', 'running', 'succeeded', 'failed', 'skipped')),
    attempts     integer not null default 0,
    run_token    uuid,
    node         text,
    scheduled_at timestamptz not null,
    started_at   timestamptz,
    finished_at  timestamptz,
    error        text,
    primary key (account_id, utc_day)
);
create index nightly_runs_day_idx on nightly_runs (utc_day);
