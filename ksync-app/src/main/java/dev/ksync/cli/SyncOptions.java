package dev.ksync.cli;

import dev.ksync.accounts.AccountId;
import dev.ksync.request.Choices;
import dev.ksync.store.UploadId;
import dev.ksync.sync.Format;
import dev.ksync.sync.Mode;
import dev.ksync.sync.SyncRequestBuilder;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every sync command takes (a picocli mixin): how it runs, where its CSV goes, where a live run stores. */
final class SyncOptions {
    @Option(names = "--mode", description = "dry-run | live (default dry-run)") String mode;
    @Option(names = "--format", description = "csv | json (default csv on the command line)", defaultValue = "csv")
    String format;
    @Option(names = "--account-id", description = "Registered account (its key is used) and storage folder")
    String accountId;
    @Option(names = "--upload-id", description = "Folder of a live write (default: the UTC time)") String uploadId;
    @Option(names = "--out", paramLabel = "FILE", description = "Write the CSV here instead of stdout") Path out;
    @Option(names = "--overwrite", description = "Let a live run replace an object with other content under its key")
    boolean overwrite;

    Format format() {
        return Choices.parse("--format", Format.class, format);
    }

    /** Sets the shared fields on a request builder; a bad value names its option. */
    <B extends SyncRequestBuilder<B>> B applyTo(B b) {
        b.format(format()).overwrite(overwrite);
        if (mode != null) b.mode(Choices.parse("--mode", Mode.class, mode));
        if (accountId != null) b.accountId(AccountId.of("--account-id", accountId));
        if (uploadId != null) b.uploadId(new UploadId(uploadId));
        return b;
    }
}
