-- The nightly continuation re-fetches the statistics of the trailing refresh window (KSYNC_BACKFILL_REFRESH_DAYS):
-- the first stored day whose flow and campaign statistics this run still replaces; null when none is left.
alter table backfill_status add column refresh_from date;
