package dev.ksync.audience;

import dev.ksync.accounts.KlaviyoAccess;
import dev.ksync.audience.AudienceRequest.Mode;
import dev.ksync.audience.AudienceRequest.Source;
import dev.ksync.audience.AudienceSchema.Subscriber;
import dev.ksync.config.AppConfig;
import dev.ksync.csv.CsvOut;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.error.UpstreamErrors;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.Listings;
import dev.ksync.klaviyo.Partitioning;
import dev.ksync.klaviyo.Query;
import dev.ksync.klaviyo.error.KlaviyoException;
import dev.ksync.klaviyo.stats.CallStats;
import dev.ksync.klaviyo.wire.Profile;
import dev.ksync.klaviyo.wire.Subscriptions;
import dev.ksync.store.ObjectStore;
import dev.ksync.store.StoredObject;
import dev.ksync.store.UploadId;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds subscribers.csv (PRODUCT.md §2): profiles from the request body or from Klaviyo, minus unsubscribed and
 * suppressed ones, mapped to the chosen schema, optionally enriched from e-mail events, streamed row by row to a
 * response or to the audience staging bucket.
 */
public final class AudienceSync {
    /** Header plus this many rows in a dry-run JSON answer. */
    public static final int PREVIEW_LINES = 11;
    /** Klaviyo serves at most 100 profiles a page. */
    static final int KLAVIYO_PAGE_MAX = 100;
    /** Parallel slices for whole-account exports: enough to fill the budget at Klaviyo's latency. */
    private static final int PROFILE_SLICES = 8;
    private static final String ADDITIONAL_FIELDS = "additional-fields[profile]";
    private static final LongConsumer NO_PROGRESS = n -> { };

    private static final Logger log = LoggerFactory.getLogger(AudienceSync.class);

    private final KlaviyoAccess klaviyo;
    private final ObjectStore store;
    private final AppConfig.Buckets buckets;
    private final Clock clock;

    public AudienceSync(KlaviyoAccess klaviyo, ObjectStore store, AppConfig.Buckets buckets, Clock clock) {
        this.klaviyo = klaviyo;
        this.store = store;
        this.buckets = buckets;
        this.clock = clock;
    }

    /**
     * Streams the CSV to {@code out}. Klaviyo is asked for its first page before the first byte is written, so a
     * bad key or an unreachable Klaviyo fails the request cleanly instead of cutting a file short.
     */
    public AudienceResult export(AudienceRequest req, OutputStream out) {
        return run(req, out, NO_PROGRESS);
    }

    /** As {@link #export(AudienceRequest, OutputStream)}, telling {@code progress} each profile scanned so far. */
    public AudienceResult export(AudienceRequest req, OutputStream out, LongConsumer progress) {
        return run(req, out, progress);
    }

    /** Writes {@code <accountId>/<uploadId>/subscribers.csv} atomically to the audience staging bucket. */
    public AudienceResult live(AudienceRequest req) {
        return live(req, NO_PROGRESS);
    }

    public AudienceResult live(AudienceRequest req, LongConsumer progress) {
        if (req.mode() != Mode.LIVE) {
            throw new IllegalArgumentException("not a live request");
        }
        UploadId upload = req.uploadId().orElseGet(() -> UploadId.at(clock.instant()));
        String key = req.accountId().orElseThrow() + "/" + upload + "/subscribers.csv";
        AudienceResult[] result = new AudienceResult[1];
        StoredObject stored;
        try {
            stored = store.write(buckets.audienceStaging(), key, out -> result[0] = run(req, out, progress));
        } catch (IOException e) {
            throw new KsyncException(ErrorKind.UPSTREAM, "storage_failed", "Writing " + key + " to bucket "
                    + buckets.audienceStaging() + " failed: " + e.getMessage() + ". Nothing was written under that key;"
                    + " check that the bucket exists and is writable, then run again.",
                    Map.of("bucket", buckets.audienceStaging(), "key", key), e);
        }
        AudienceResult r = result[0];
        return new AudienceResult("live", r.rows(), null, stored.bucket(), stored.key(), stored.bytes(), stored.sha256(),
                r.diagnostics());
    }

    private AudienceResult run(AudienceRequest req, OutputStream out, LongConsumer progress) {
        long started = System.nanoTime();
        boolean needsKlaviyo = req.source() == Source.KLAVIYO || req.enrichEvents();
        KlaviyoClient client = needsKlaviyo ? klaviyo.client(req.accountId(), req.klaviyoApiKey()) : null;
        CallStats before = client == null ? null : client.callStats();
        try {
            Counts counts = new Counts();
            long enrichLimit = req.enrichProfileLimit().map(Integer::longValue).orElse(Long.MAX_VALUE);
            boolean enrich = req.enrichEvents() && enrichLimit > 0 && req.enrichEventsMaxPages().orElse(1) > 0
                    && req.schema().hasEngagementColumns() && req.profileLimit() > 0;
            CsvOut csv = new CsvOut(out, req.schema().headers(), PREVIEW_LINES);
            long enriched = 0;
            Enrichment enrichment = null;
            try (Stream<Profile> profiles = profiles(req, client)) {
                Iterator<Profile> it = profiles.iterator();
                Deque<Profile> ahead = new ArrayDeque<>();
                if (enrich) {
                    enrichment = new Enrichment(client, clock, req.enrichEventsMaxPages());
                    enrichment.estimate();
                    // Read ahead only as far as the per-profile plan could still be the cheaper one: the kept
                    // profiles (not the scanned ones) are what it costs, and they are known only by reading.
                    long breakEven = Math.min(enrichment.perProfileBreakEven(), enrichLimit);
                    while (ahead.size() <= breakEven && it.hasNext()) {
                        Profile p = next(it, req, counts, progress);
                        if (p != null) {
                            ahead.add(p);
                        }
                    }
                    if (ahead.size() <= breakEven || enrichLimit <= enrichment.perProfileBreakEven()) {
                        enrichment.choosePerProfile();
                    } else {
                        enrichment.chooseAccountPass();
                    }
                }
                while (!ahead.isEmpty() || it.hasNext()) {
                    Profile p = ahead.isEmpty() ? next(it, req, counts, progress) : ahead.poll();
                    if (p == null) {
                        continue;
                    }
                    Engagement en = Engagement.NONE;
                    if (enrichment != null && enriched < enrichLimit && p.id() != null) {
                        en = enrichment.engagement(p.id());
                        enriched++;
                    }
                    csv.row(req.schema().row(new Subscriber(p, en)));
                }
            }
            csv.finish();
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("source", req.source().name().toLowerCase());
            d.put("schema", req.schema().wireName());
            d.put("profilesScanned", counts.scanned);
            d.put("profilesDropped", counts.dropped);
            d.put("includeSuppressed", req.includeSuppressed());
            if (client != null) {
                CallStats calls = client.callStats().minus(before);
                d.put("klaviyoCalls", calls);
                if (enrichment != null) {
                    long enrichCalls = calls.endpoint("get_events").calls() + calls.endpoint("get_metrics").calls()
                            + calls.endpoint("query_metric_aggregates").calls();
                    d.put("enrichment", enrichment.diagnostics(enrichCalls, enriched));
                }
            }
            d.put("durationMs", (System.nanoTime() - started) / 1_000_000);
            log.info("audience sync ({} {}, {}): {} rows of {} profiles scanned, {} Klaviyo calls, {} ms",
                    req.source().name().toLowerCase(), req.schema().wireName(), req.mode() == Mode.LIVE ? "live" : "dry-run",
                    csv.rows(), counts.scanned, client == null ? 0 : client.callStats().minus(before).total().calls(),
                    d.get("durationMs"));
            return new AudienceResult(req.mode() == Mode.LIVE ? "live" : "dry-run", csv.rows(), csv.preview(), null, null, null, null, d);
        } catch (KlaviyoException e) {
            throw UpstreamErrors.from(e);
        }
    }

    private static final class Counts {
        long scanned;
        final Map<String, Long> dropped = new LinkedHashMap<>();
    }

    /** The next scanned profile if it is kept, else null (counted as dropped). */
    private static Profile next(Iterator<Profile> it, AudienceRequest req, Counts counts, LongConsumer progress) {
        Profile p = it.next();
        progress.accept(++counts.scanned);
        String dropped = req.includeSuppressed() ? null : dropReason(p);
        if (dropped != null) {
            counts.dropped.merge(dropped, 1L, Long::sum);
            return null;
        }
        return p;
    }

    /** Why a profile is left out, or null to keep it: unsubscribed, or carrying any e-mail suppression. */
    static String dropReason(Profile p) {
        Subscriptions.EmailMarketing m = p.subscriptions() == null ? null : p.subscriptions().emailMarketing();
        if (m == null) {
            return null;
        }
        if (m.suppressed()) {
            return "suppressed";
        }
        if ("UNSUBSCRIBED".equalsIgnoreCase(m.consent())) {
            return "unsubscribed";
        }
        return null;
    }

    private Stream<Profile> profiles(AudienceRequest req, KlaviyoClient client) {
        long limit = req.profileLimit();
        if (limit == 0) {
            return Stream.empty();
        }
        if (req.source() == Source.PROFILES) {
            Stream<Profile> s = req.profiles().stream();
            Comparator<Profile> order = bodyOrder(req);
            return (order == null ? s : s.sorted(order)).limit(limit);
        }
        int kPage = Math.min(req.pageSize(), KLAVIYO_PAGE_MAX);
        boolean predictive = req.schema().needsPredictiveAnalytics();
        Query q = Query.all().add(ADDITIONAL_FIELDS, "subscriptions").pageSize(kPage);
        if (predictive) {
            q = q.add(ADDITIONAL_FIELDS, "predictive_analytics");
        }
        if (req.klaviyoSort() != null) {
            q = q.sort(req.klaviyoSort());
        }
        if (limit != Long.MAX_VALUE) {
            q = q.maxPages((int) Math.min(Integer.MAX_VALUE, (limit + kPage - 1) / kPage));
        } else if (req.sortBy().isEmpty() && !predictive) {
            // A whole account in no particular order at the 750/min tier: page a few time slices in parallel so
            // the account's steady budget, not one cursor's round trips, sets the pace. Each slice ends on a
            // part-filled page, so few slices keep the extra calls few. With predictive analytics (150/min) one
            // cursor already keeps up with the budget, and a bounded scan stays on one cursor so that "the
            // first pageSize × maxPages profiles" are the same ones every run.
            q = q.partitioned(Partitioning.auto().withSlices(PROFILE_SLICES));
        }
        return client.list(Listings.PROFILES, q).limit(limit);
    }

    /** The order Klaviyo would give for sortBy/sortDir, applied to profiles given in the body. */
    private static Comparator<Profile> bodyOrder(AudienceRequest req) {
        if (req.sortBy().isEmpty()) {
            return null;
        }
        Comparator<Profile> c = switch (req.sortBy().get()) {
            case "created" -> Comparator.comparing(Profile::created, nullsLast());
            case "updated" -> Comparator.comparing(Profile::updated, nullsLast());
            case "email" -> Comparator.comparing(Profile::email, Comparator.nullsLast(Comparator.<String>naturalOrder()));
            case "id" -> Comparator.comparing(Profile::id, Comparator.nullsLast(Comparator.<String>naturalOrder()));
            default -> Comparator.comparing(AudienceSync::suppressionTime, nullsLast());
        };
        return req.sortDir() == AudienceRequest.SortDir.DESC ? c.reversed() : c;
    }

    private static Comparator<Instant> nullsLast() {
        return Comparator.nullsLast(Comparator.naturalOrder());
    }

    private static Instant suppressionTime(Profile p) {
        if (p.subscriptions() == null || p.subscriptions().emailMarketing() == null) {
            return null;
        }
        return p.subscriptions().emailMarketing().suppression().stream().map(Subscriptions.Suppression::timestamp)
                .filter(Objects::nonNull).min(Comparator.naturalOrder()).orElse(null);
    }

}
