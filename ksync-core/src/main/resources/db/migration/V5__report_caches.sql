-- What flow and campaign syncs learn about an account that rarely changes, so a rerun need not ask Klaviyo again:
-- the send actions of walked flows (kind flow-walk, item = flow id, version = the flow's updated time), the resolved
-- conversion metric (kind conversion-metric) and list/segment names (kind audience-name, item = list or segment id).
-- account is Klaviyo's account id (GET /api/accounts), never an API key; value is JSON.
create table report_caches (
    account    text        not null,
    kind       text        not null,
    item       text        not null,
    version    text        not null,
    value      text        not null,
    stored_at  timestamptz not null,
    primary key (account, kind, item)
);
