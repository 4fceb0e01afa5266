-- Klaviyo accounts ksync syncs. The API key is stored only encrypted (AES-GCM); last4 is what lists show.
create table accounts (
    id              text primary key check (id ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
    name            text not null,
    api_key_cipher  bytea not null,
    api_key_last4   text not null,
    enabled         boolean not null default true,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now()
);
