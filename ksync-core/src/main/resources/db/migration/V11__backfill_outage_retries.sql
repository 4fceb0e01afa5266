-- A backfill whose Klaviyo calls keep failing (5xx, timeouts) waits and runs again by itself a few times before it
-- fails: how many of those retries it has had since it last committed a day (each committed day sets it back to 0).
alter table backfill_status add column outage_retries integer not null default 0;
