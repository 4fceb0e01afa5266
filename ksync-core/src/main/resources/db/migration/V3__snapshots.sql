-- Uploads: one folder <id>/ in the ingest bucket holding flows.csv, campaigns.csv and subscribers.csv of one
-- account. The account is a label (it may name no registered account), hence no foreign key.
create table uploads (
    id          text primary key check (id ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$' and id !~ '\.\.'),
    account_id  text not null check (account_id ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
    bucket      text not null,
    -- the account's timezone when the CSVs were made: subscribers' Profile Created On is dated in it
    timezone    text not null default 'UTC',
    created_at  timestamptz not null
);
create index uploads_account on uploads (account_id, created_at);

-- A snapshot: the dashboard series of one upload. A patch snapshot starts as a copy of based_on's series and
-- replaces the days patch_start..patch_end (inclusive) from its own upload.
create table snapshots (
    id               bigint generated always as identity primary key,
    account_id       text not null check (account_id ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
    upload_id        text not null references uploads (id) on delete cascade,
    status           text not null check (status in ('created', 'processing', 'ready', 'failed')),
    error            text,
    last_email_date  date,
    based_on         bigint references snapshots (id) on delete set null,
    patch_start      date,
    patch_end        date,
    created_at       timestamptz not null,
    updated_at       timestamptz not null,
    check ((patch_start is null) = (patch_end is null))
);
create index snapshots_account_status on snapshots (account_id, status, id);

-- Daily sums per source; counts are whole numbers (a rate-only CSV cell becomes round(rate × delivered)).
create table snapshot_series (
    snapshot_id        bigint not null references snapshots (id) on delete cascade,
    day                date not null,
    source             text not null check (source in ('flows', 'campaigns', 'all')),
    delivered          bigint not null default 0,
    unique_opens       bigint not null default 0,
    unique_clicks      bigint not null default 0,
    placed_orders      bigint not null default 0,
    revenue            numeric(16, 2) not null default 0,
    unsubscribes       bigint not null default 0,
    complaints         bigint not null default 0,
    bounces            bigint not null default 0,
    new_subscribers    bigint,
    subscribers_total  bigint,
    primary key (snapshot_id, source, day)
);

-- Totals over the series: sums, and rates weighted by delivered (sum opens / sum delivered).
create table snapshot_totals (
    snapshot_id             bigint not null references snapshots (id) on delete cascade,
    source                  text not null check (source in ('flows', 'campaigns', 'all')),
    days                    integer not null,
    delivered               bigint not null,
    unique_opens            bigint not null,
    unique_clicks           bigint not null,
    placed_orders           bigint not null,
    revenue                 numeric(16, 2) not null,
    unsubscribes            bigint not null,
    complaints              bigint not null,
    bounces                 bigint not null,
    new_subscribers         bigint,
    subscribers_total       bigint,
    open_rate               numeric(9, 6),
    click_rate              numeric(9, 6),
    placed_order_rate       numeric(9, 6),
    revenue_per_recipient   numeric(16, 2),
    unsub_rate              numeric(9, 6),
    complaint_rate          numeric(9, 6),
    bounce_rate             numeric(9, 6),
    primary key (snapshot_id, source)
);

-- Stripe-style idempotency, scoped per account ('' = requests naming no account). While state is 'running' the
-- owner holds a session advisory lock on (scope, key): a lock nobody holds means its node died and the key may be
-- taken over. 'done' keeps the first answer's exact bytes and status for replays; a failed run deletes its row.
create table idempotency_keys (
    account_id    text not null,
    key           text not null check (length(key) between 1 and 255),
    fingerprint   text not null,
    state         text not null check (state in ('running', 'done')),
    status        integer,
    answer        bytea,
    created_at    timestamptz not null,
    updated_at    timestamptz not null,
    primary key (account_id, key)
);
create index idempotency_keys_created on idempotency_keys (created_at);
