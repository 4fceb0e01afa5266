package dev.ksync.snapshot;

import dev.ksync.accounts.AccountId;
import dev.ksync.store.UploadId;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot row: the dashboard series of one upload of one account, and where its processing stands.
 *
 * @param basedOn    for a patch snapshot, the ready snapshot whose series it copies before replacing its window
 * @param patchStart the first day of that window (inclusive); empty for a full snapshot
 */
public record Snapshot(long id, AccountId accountId, UploadId uploadId, Status status, Optional<String> error,
        Optional<LocalDate> lastEmailDate, Optional<Long> basedOn, Optional<LocalDate> patchStart,
        Optional<LocalDate> patchEnd, Instant createdAt, Instant updatedAt) {

    public enum Status {
        CREATED, PROCESSING, READY, FAILED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Snapshot {
        Objects.requireNonNull(accountId, "accountId is null");
        Objects.requireNonNull(uploadId, "uploadId is null");
        Objects.requireNonNull(status, "status is null");
    }
}
