package dev.ksync.http;

import dev.ksync.accounts.AccountId;
import dev.ksync.config.Secret;
import dev.ksync.reporting.WindowSpec;
import dev.ksync.store.UploadId;
import dev.ksync.sync.Format;
import dev.ksync.sync.Mode;
import dev.ksync.sync.SyncRequestBuilder;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The body fields the sync routes share, read one way for all of them. */
final class SyncFields {
    /** A Klaviyo private key in a body whose work reaches Klaviyo (sync, update, ingest). */
    static final String KLAVIYO_API_KEY = "klaviyoApiKey";
    /** What every sync body may carry. */
    static final Set<String> COMMON = Set.of("mode", "format", "accountId", "uploadId", KLAVIYO_API_KEY, "overwrite",
            "debug");
    /** How a report sync names its days. */
    static final Set<String> WINDOW = Set.of("days", "start", "end", "timeframeKey");

    private SyncFields() {}

    /** The shared fields; absent ones are null (the request builders' defaults apply). */
    record Common(Mode mode, Format format, AccountId accountId, UploadId uploadId, Secret klaviyoApiKey,
                  boolean overwrite, boolean debug) {}

    static Common common(Fields f) {
        return new Common(f.choice("mode", Mode.class, Mode.DRY_RUN), f.choice("format", Format.class, Format.JSON),
                f.text("accountId").map(v -> AccountId.of("accountId", v)).orElse(null),
                f.text("uploadId").map(UploadId::new).orElse(null),
                klaviyoApiKey(f).orElse(null),
                f.bool("overwrite", false), f.bool("debug", false));
    }

    /**
     * The body's {@link #KLAVIYO_API_KEY}, used only when the request names no registered account (that account's
     * own key wins, {@code KlaviyoAccess}); a wrong type is a 400 that does not echo it.
     */
    static Optional<Secret> klaviyoApiKey(Fields f) {
        return f.secretText(KLAVIYO_API_KEY).map(Secret::new);
    }

    /** Sets the shared fields (all but debug, which only some requests take) on a request builder. */
    static <B extends SyncRequestBuilder<B>> B applyTo(Common c, B b) {
        return b.mode(c.mode()).format(c.format()).accountId(c.accountId()).uploadId(c.uploadId())
                .klaviyoApiKey(c.klaviyoApiKey()).overwrite(c.overwrite());
    }

    /** {@code days} | {@code start}+{@code end} | {@code timeframeKey}; the record checks how they combine. */
    static WindowSpec window(Fields f) {
        Optional<Integer> days = f.integer("days", 1, WindowSpec.MAX_DAYS);
        return new WindowSpec(days, f.date("start"), f.date("end"), f.text("timeframeKey"));
    }

    @SafeVarargs
    static Set<String> union(Set<String>... sets) {
        return Stream.of(sets).flatMap(Set::stream).collect(Collectors.toUnmodifiableSet());
    }
}
