-- The backfill lists archived flows and campaigns too (Klaviyo's listings leave them out unless asked, yet they sent
-- messages within the history that orders and statistics name): whether each stored one is archived. Rows stored
-- before came from the default listings, which hold no archived one.
alter table backfill_campaigns add column archived boolean not null default false;
alter table backfill_flows add column archived boolean not null default false;
