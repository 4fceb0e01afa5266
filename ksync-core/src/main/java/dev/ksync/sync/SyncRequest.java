package dev.ksync.sync;

import dev.ksync.accounts.AccountId;
import dev.ksync.config.Secret;
import dev.ksync.store.UploadId;
import java.util.Optional;

/** What the runner reads of every job's request record; the rest of the record is the job's own. */
public interface SyncRequest {
    Mode mode();

    /** The registered account (its key is used) and, for live runs, the storage folder. Required when live. */
    Optional<AccountId> accountId();

    /** The upload folder of a live run; empty means the UTC time of the run. */
    Optional<UploadId> uploadId();

    /** A Klaviyo key given with the request, used when the account has none registered. */
    Optional<Secret> klaviyoApiKey();

    /** Whether a live run may replace an object with other content (else 409 {@code object_exists}). */
    boolean overwrite();
}
