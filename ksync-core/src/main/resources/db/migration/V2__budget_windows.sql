-- Calls counted per fixed Klaviyo rate-limit window, shared by every ksync process on this database, so the
-- windows that matter across restarts and nodes (the reporting API's 2 a minute and 225 a day) are counted once.
-- budget is "<API key fingerprint>/<operation>": a truncated SHA-256, never a key. A window is the
-- window_index-th window of length_ms since the epoch; ended windows are deleted as new ones are counted.
create table budget_windows (
    budget        text        not null,
    length_ms     bigint      not null check (length_ms > 0),
    window_index  bigint      not null,
    used          integer     not null check (used >= 0),
    ends_at       timestamptz not null,
    primary key (budget, length_ms, window_index)
);
create index budget_windows_ends_at on budget_windows (ends_at);
