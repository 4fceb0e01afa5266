package dev.ksync.ingest;

import dev.ksync.accounts.AccountId;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One ingestion run.
 *
 * @param accountId   the registered account (its key, its schema); empty = the environment's key, schema of
 *                    {@link Ingestion#DEFAULT_ACCOUNT}
 * @param datasources a user's datasources file replacing the runbook's; empty = the built-in one
 * @param only        run just these datasource {@code name}s; empty = all of the mode's list
 */
public record IngestRequest(IngestMode mode, Optional<AccountId> accountId, Optional<DatasourceFile> datasources,
                            Set<String> only) {
    public IngestRequest {
        Objects.requireNonNull(mode, "mode is null");
        only = Set.copyOf(only);
    }

    public static IngestRequest of(IngestMode mode, AccountId accountId) {
        return new IngestRequest(mode, Optional.of(accountId), Optional.empty(), Set.of());
    }
}
