-- The sums the dashboard's top flows and campaigns rank on, per snapshot, flow or campaign and day, written in the
-- transaction that makes the snapshot ready (so a ready snapshot has them and the dashboard never rereads its CSVs).
-- Counts are the CSV cells rounded to whole numbers and summed; revenue is the exact sum of the Revenue cells (rounded
-- to cents only when the dashboard sums a range). name is the item's name on the last row of its day.
create table snapshot_tops (
    snapshot_id  bigint not null references snapshots (id) on delete cascade,
    kind         text not null check (kind in ('flow', 'campaign')),
    day          date not null,
    item_id      text not null,
    name         text,
    delivered    bigint not null,
    opens        bigint not null,
    clicks       bigint not null,
    orders       bigint not null,
    revenue      numeric not null,
    primary key (snapshot_id, kind, day, item_id)
);

-- True once snapshot_tops holds the snapshot's sums. Snapshots made ready before this migration have none: the first
-- reader (dashboard or the next patch of it) computes them once from the snapshot's CSVs.
alter table snapshots add column tops_stored boolean not null default false;

-- Klaviyo's account currency (preferred_currency) as the update's flows producer read it with the timezone.
alter table uploads add column currency text check (currency ~ '^[A-Z]{3}$');
