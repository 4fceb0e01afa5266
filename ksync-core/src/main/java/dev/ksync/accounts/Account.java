package dev.ksync.accounts;

import java.time.Instant;
import java.util.Objects;

/** A registered Klaviyo account as ksync shows it: the key itself never leaves {@link AccountService}. */
public record Account(AccountId id, String name, String apiKeyLast4, boolean enabled, NightlyOptions nightly,
                      Instant createdAt) {
    public Account {
        Objects.requireNonNull(id, "id is null");
        Objects.requireNonNull(nightly, "nightly is null");
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(apiKeyLast4, "apiKeyLast4 is null");
        Objects.requireNonNull(createdAt, "createdAt is null");
    }

    /** A new account: enabled, with the default nightly options. */
    public Account(AccountId id, String name, String apiKeyLast4, boolean enabled, Instant createdAt) {
        this(id, name, apiKeyLast4, enabled, NightlyOptions.DEFAULTS, createdAt);
    }
}
