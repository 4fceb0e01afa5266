package dev.ksync.audience;

import dev.ksync.accounts.AccountId;
import dev.ksync.config.Secret;
import dev.ksync.error.KsyncException;
import dev.ksync.klaviyo.wire.Profile;
import dev.ksync.store.UploadId;
import dev.ksync.sync.Format;
import dev.ksync.sync.Mode;
import dev.ksync.sync.SyncRequest;
import dev.ksync.sync.SyncRequestBuilder;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A validated audience-sync request. Every door builds one with {@link #builder()}: the HTTP API from the JSON
 * body, the CLI from its options, a scheduled task from its settings; this constructor is where the values are
 * checked, each bad one a 400 naming its field (the doors rename fields as their users spell them).
 *
 * @param profiles   the profiles to map when {@code source} is profiles (none otherwise)
 * @param pageSize   profiles per requested page, 1..1000; Klaviyo serves at most 100 a page, so a larger size is
 *                   served by several Klaviyo pages
 * @param maxPages   pages of {@code pageSize} to scan: empty = all, 0 = header only
 * @param sortBy     a Klaviyo profile sort field, or empty for Klaviyo's order
 * @param overwrite  whether a live run may replace an object with other content under its key
 */
public record AudienceRequest(
        Mode mode,
        Format format,
        AudienceSchema schema,
        Source source,
        List<Profile> profiles,
        Optional<Secret> klaviyoApiKey,
        Optional<AccountId> accountId,
        Optional<UploadId> uploadId,
        int pageSize,
        Optional<Integer> maxPages,
        Optional<String> sortBy,
        SortDir sortDir,
        boolean includeSuppressed,
        boolean enrichEvents,
        Optional<Integer> enrichProfileLimit,
        Optional<Integer> enrichEventsMaxPages,
        boolean overwrite) implements SyncRequest {

    public enum Source { PROFILES, KLAVIYO }

    public enum SortDir { ASC, DESC }

    public static final int DEFAULT_PAGE_SIZE = 100;
    public static final int MIN_PAGE_SIZE = 1;
    public static final int MAX_PAGE_SIZE = 1000;
    /** The profile sort fields Klaviyo allows (GET /api/profiles {@code sort}). */
    public static final List<String> SORT_FIELDS = List.of("created", "email", "id", "updated",
            "subscriptions.email.marketing.suppression.timestamp",
            "subscriptions.email.marketing.list_suppressions.timestamp");

    public AudienceRequest {
        Objects.requireNonNull(mode, "mode is null");
        Objects.requireNonNull(format, "format is null");
        Objects.requireNonNull(schema, "schema is null");
        Objects.requireNonNull(source, "source is null");
        profiles = List.copyOf(profiles);
        Objects.requireNonNull(klaviyoApiKey, "klaviyoApiKey is null");
        Objects.requireNonNull(accountId, "accountId is null");
        Objects.requireNonNull(uploadId, "uploadId is null");
        Objects.requireNonNull(maxPages, "maxPages is null");
        Objects.requireNonNull(sortBy, "sortBy is null");
        Objects.requireNonNull(sortDir, "sortDir is null");
        Objects.requireNonNull(enrichProfileLimit, "enrichProfileLimit is null");
        Objects.requireNonNull(enrichEventsMaxPages, "enrichEventsMaxPages is null");
        if (source != Source.PROFILES && !profiles.isEmpty()) {
            throw KsyncException.badInput("profiles", "(given)", "only with source 'profiles'");
        }
        SyncRequest.requireAccountWhenLive(mode, accountId);
        if (sortBy.isPresent() && !SORT_FIELDS.contains(sortBy.get())) {
            throw KsyncException.badInput("sortBy", sortBy.get(), String.join(", ", SORT_FIELDS));
        }
        checkRange("pageSize", pageSize, MIN_PAGE_SIZE, MAX_PAGE_SIZE);
        maxPages.ifPresent(n -> checkRange("maxPages", n, 0, Integer.MAX_VALUE));
        enrichProfileLimit.ifPresent(n -> checkRange("enrichProfileLimit", n, 0, Integer.MAX_VALUE));
        enrichEventsMaxPages.ifPresent(n -> checkRange("enrichEventsMaxPages", n, 0, Integer.MAX_VALUE));
    }

    /** The message every door gives for a number out of range, so the HTTP and record checks read alike. */
    public static String wholeNumber(int min, int max) {
        return "a whole number from " + min + " to " + max;
    }

    private static void checkRange(String field, int n, int min, int max) {
        if (n < min || n > max) {
            throw KsyncException.badInput(field, n, wholeNumber(min, max));
        }
    }

    /** Whether this request reaches Klaviyo or writes storage, so must pass the gates. */
    public boolean gated() {
        return gated(source, mode, enrichEvents);
    }

    /** Whether work of this source, mode and enrichment reaches Klaviyo or writes storage. */
    public static boolean gated(Source source, Mode mode, boolean enrichEvents) {
        return source == Source.KLAVIYO || mode == Mode.LIVE || enrichEvents;
    }

    /** How many profiles at most are scanned: pageSize × maxPages, or unbounded. */
    public long profileLimit() {
        return maxPages.map(m -> (long) m * pageSize).orElse(Long.MAX_VALUE);
    }

    /** Klaviyo's sort parameter for this request ({@code -created} for descending), or null. */
    public String klaviyoSort() {
        return sortBy.map(s -> sortDir == SortDir.DESC ? "-" + s : s).orElse(null);
    }

    /** Defaults: dry-run, json, minimal, profiles from the request (none), 100 a page, all pages, Klaviyo's order. */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects the fields in any order; {@link #build} validates them all through the record's constructor. */
    public static final class Builder implements SyncRequestBuilder<Builder> {
        private Mode mode = Mode.DRY_RUN;
        private Format format = Format.JSON;
        private AudienceSchema schema = AudienceSchema.MINIMAL;
        private Source source = Source.PROFILES;
        private List<Profile> profiles = List.of();
        private Optional<Secret> klaviyoApiKey = Optional.empty();
        private Optional<AccountId> accountId = Optional.empty();
        private Optional<UploadId> uploadId = Optional.empty();
        private int pageSize = DEFAULT_PAGE_SIZE;
        private Optional<Integer> maxPages = Optional.empty();
        private Optional<String> sortBy = Optional.empty();
        private SortDir sortDir = SortDir.ASC;
        private boolean includeSuppressed;
        private boolean enrichEvents;
        private Optional<Integer> enrichProfileLimit = Optional.empty();
        private Optional<Integer> enrichEventsMaxPages = Optional.empty();
        private boolean overwrite;

        private Builder() {}

        public Builder mode(Mode v) { mode = v; return this; }
        public Builder format(Format v) { format = v; return this; }
        public Builder schema(AudienceSchema v) { schema = v; return this; }
        public Builder source(Source v) { source = v; return this; }
        public Builder profiles(List<Profile> v) { profiles = v; return this; }
        public Builder klaviyoApiKey(Secret v) { klaviyoApiKey = Optional.ofNullable(v); return this; }
        public Builder accountId(AccountId v) { accountId = Optional.ofNullable(v); return this; }
        public Builder uploadId(UploadId v) { uploadId = Optional.ofNullable(v); return this; }
        public Builder pageSize(int v) { pageSize = v; return this; }
        public Builder maxPages(Integer v) { maxPages = Optional.ofNullable(v); return this; }
        public Builder sortBy(String v) { sortBy = Optional.ofNullable(v); return this; }
        public Builder sortDir(SortDir v) { sortDir = v; return this; }
        public Builder includeSuppressed(boolean v) { includeSuppressed = v; return this; }
        public Builder enrichEvents(boolean v) { enrichEvents = v; return this; }
        public Builder enrichProfileLimit(Integer v) { enrichProfileLimit = Optional.ofNullable(v); return this; }
        public Builder enrichEventsMaxPages(Integer v) { enrichEventsMaxPages = Optional.ofNullable(v); return this; }
        public Builder overwrite(boolean v) { overwrite = v; return this; }

        public AudienceRequest build() {
            return new AudienceRequest(mode, format, schema, source, profiles, klaviyoApiKey, accountId, uploadId,
                    pageSize, maxPages, sortBy, sortDir, includeSuppressed, enrichEvents, enrichProfileLimit,
                    enrichEventsMaxPages, overwrite);
        }
    }
}
