package dev.ksync.sync;

import dev.ksync.accounts.AccountId;
import dev.ksync.config.Secret;
import dev.ksync.error.KsyncException;
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

    /** A live run stores under its account's folder, so it must name the account: else a 400 naming accountId. */
    static void requireAccountWhenLive(Mode mode, Optional<AccountId> accountId) {
        if (mode == Mode.LIVE && accountId.isEmpty()) {
            throw KsyncException.badInput("accountId", null,
                    "an account id for live runs (" + AccountId.ALLOWED + "); it names the storage folder");
        }
    }
}
