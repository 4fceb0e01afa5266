-- Historical backfill (PRODUCT.md §7, issue 13). One status row per account; the day loop commits a day's rows together
-- with next_day/days_done/counts in one transaction, so a restart resumes at next_day with nothing lost or doubled.
create table backfill_status (
    account_id     text primary key references accounts (id) on delete cascade,
    status         text not null check (status in ('in_progress', 'completed', 'failed', 'cancelled')),
    years          integer not null check (years between 1 and 10),
    include_orders boolean not null,
    test_mode      boolean not null,
    timezone       text not null,
    first_day      date not null,
    last_day       date not null,
    next_day       date,
    days_done      integer not null default 0,
    days_total     integer not null,
    orders         bigint not null default 0,
    revenue        numeric(16, 2) not null default 0,
    currency       text,
    campaigns      integer not null default 0,
    flows          integer not null default 0,
    errors         jsonb not null default '[]'::jsonb,
    attempts       integer not null default 0,
    waiting_until  timestamptz,
    waiting_reason text,
    validation     jsonb,
    started_at     timestamptz not null,
    updated_at     timestamptz not null,
    finished_at    timestamptz,
    -- added by the engine: campaigns and flows (objects) are fetched once per backfill, before the first day
    catalog_done   boolean not null default false,
    check (first_day <= last_day)
);

create table backfill_campaigns (
    account_id  text not null references accounts (id) on delete cascade,
    campaign_id text not null,
    name        text,
    channel     text,
    status      text,
    send_time   timestamptz,
    created_at  timestamptz,
    updated_at  timestamptz,
    data        jsonb not null,
    primary key (account_id, campaign_id)
);

create table backfill_flows (
    account_id   text not null references accounts (id) on delete cascade,
    flow_id      text not null,
    name         text,
    status       text,
    trigger_type text,
    created_at   timestamptz,
    updated_at   timestamptz,
    data         jsonb not null,
    primary key (account_id, flow_id)
);

create table backfill_campaign_daily (
    account_id       text not null references accounts (id) on delete cascade,
    day              date not null,
    campaign_id      text not null,
    message_id       text not null,
    channel          text,
    recipients       bigint,
    delivered        bigint,
    opens_unique     bigint,
    clicks_unique    bigint,
    conversions      bigint,
    unsubscribes     bigint,
    spam_complaints  bigint,
    bounced          bigint,
    conversion_value numeric(16, 2),
    primary key (account_id, day, campaign_id, message_id)
);

create table backfill_flow_daily (
    account_id       text not null references accounts (id) on delete cascade,
    day              date not null,
    flow_id          text not null,
    message_id       text not null,
    channel          text,
    recipients       bigint,
    delivered        bigint,
    opens_unique     bigint,
    clicks_unique    bigint,
    conversions      bigint,
    unsubscribes     bigint,
    spam_complaints  bigint,
    bounced          bigint,
    conversion_value numeric(16, 2),
    primary key (account_id, day, flow_id, message_id)
);

create table backfill_orders (
    account_id          text not null references accounts (id) on delete cascade,
    event_id            text not null,
    order_id            text,
    time                timestamptz not null,
    day                 date not null,
    value               numeric(16, 2),
    currency            text,
    items               jsonb not null default '[]'::jsonb,
    item_count          integer not null default 0,
    profile_id          text,
    email               text,
    utm_source          text,
    utm_medium          text,
    utm_campaign        text,
    discount_codes      text[] not null default '{}',
    total_discounts     numeric(16, 2),
    shipping            jsonb,
    shipping_total      numeric(16, 2),
    categories          text[] not null default '{}',
    brands              text[] not null default '{}',
    attributed_message  text,
    attributed_channel  text,
    attributed_flow     text,
    attributed_campaign text,
    primary key (account_id, event_id)
);
create index backfill_orders_day on backfill_orders (account_id, day, time, event_id);
