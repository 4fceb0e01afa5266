package dev.ksync.ingest;

import dev.ksync.accounts.AccountId;
import dev.ksync.config.Secret;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One ingestion run.
 *
 * @param accountId     the account (its schema; a registered one's key); empty = schema of
 *                      {@link Ingestion#DEFAULT_ACCOUNT}
 * @param datasources   a user's datasources file replacing the runbook's; empty = the built-in one
 * @param only          run just these datasource {@code name}s; empty = all of the mode's list
 * @param klaviyoApiKey the key when {@code accountId} names no registered account (a registered account's own key
 *                      wins); empty = the environment's
 */
public record IngestRequest(IngestMode mode, Optional<AccountId> accountId, Optional<DatasourceFile> datasources,
                            Set<String> only, Optional<Secret> klaviyoApiKey) {
    public IngestRequest {
        Objects.requireNonNull(mode, "mode is null");
        only = Set.copyOf(only);
        klaviyoApiKey = klaviyoApiKey == null ? Optional.empty() : klaviyoApiKey.filter(k -> !k.value().isBlank());
    }
}
