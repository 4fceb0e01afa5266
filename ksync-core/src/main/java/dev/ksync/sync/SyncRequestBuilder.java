package dev.ksync.sync;

import dev.ksync.accounts.AccountId;
import dev.ksync.config.Secret;
import dev.ksync.store.UploadId;

/**
 * What every sync request's builder takes besides the job's own fields, so each door (HTTP body, CLI options)
 * reads the shared fields in one place for every sync. A null account, upload or key means none.
 */
public interface SyncRequestBuilder<B extends SyncRequestBuilder<B>> {
    B mode(Mode mode);

    B format(Format format);

    B accountId(AccountId accountId);

    B uploadId(UploadId uploadId);

    B klaviyoApiKey(Secret klaviyoApiKey);

    B overwrite(boolean overwrite);
}
