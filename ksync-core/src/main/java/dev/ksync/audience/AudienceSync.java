package dev.ksync.audience;

import dev.ksync.audience.AudienceRequest.Source;
import dev.ksync.audience.AudienceSchema.Subscriber;
import dev.ksync.config.AppConfig;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.Listings;
import dev.ksync.klaviyo.Partitioning;
import dev.ksync.klaviyo.Query;
import dev.ksync.klaviyo.stats.CallStats;
import dev.ksync.klaviyo.wire.KlaviyoTime;
import dev.ksync.klaviyo.wire.Profile;
import dev.ksync.klaviyo.wire.Subscriptions;
import dev.ksync.sync.Mode;
import dev.ksync.sync.RowSink;
import dev.ksync.sync.SyncContext;
import dev.ksync.sync.SyncJob;
import dev.ksync.sync.SyncRunner;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * The audience job: subscribers.csv from profiles in the request body or from Klaviyo, minus unsubscribed and
 * suppressed ones, mapped to the chosen schema, optionally enriched from e-mail events. {@link #export} and
 * {@link #live} run it on the {@link SyncRunner}, live runs into the audience staging bucket.
 */
public final class AudienceSync implements SyncJob<AudienceRequest, AudienceReport> {
    public static final String FILE = "subscribers.csv";
    /** Klaviyo serves at most 100 profiles a page. */
    static final int KLAVIYO_PAGE_MAX = 100;
    /** Parallel slices for whole-account exports: enough to fill the budget at Klaviyo's latency. */
    private static final int PROFILE_SLICES = 8;
    private static final String ADDITIONAL_FIELDS = "additional-fields[profile]";

    private final SyncRunner runner;
    private final AppConfig.Buckets buckets;

    public AudienceSync(SyncRunner runner, AppConfig.Buckets buckets) {
        this.runner = runner;
        this.buckets = buckets;
    }

    /** Streams the CSV to {@code out}, telling {@code progress} each profile scanned so far. */
    public AudienceResult export(AudienceRequest req, OutputStream out, LongConsumer progress) {
        return AudienceResult.of(runner.export(this, req, out, SyncRunner.Options.progress(progress)));
    }

    public AudienceResult export(AudienceRequest req, OutputStream out) {
        return export(req, out, n -> { });
    }

    /** Stores {@code <accountId>/<uploadId>/subscribers.csv} in the audience staging bucket. */
    public AudienceResult live(AudienceRequest req, LongConsumer progress) {
        return AudienceResult.of(runner.live(this, req, buckets.audienceStaging(), SyncRunner.Options.progress(progress)));
    }

    public AudienceResult live(AudienceRequest req) {
        return live(req, n -> { });
    }

    @Override
    public String name() {
        return "audience";
    }

    @Override
    public String fileName() {
        return FILE;
    }

    @Override
    public List<String> header(AudienceRequest request) {
        return request.schema().headers();
    }

    @Override
    public String summary(AudienceRequest req, AudienceReport r) {
        return req.source().name().toLowerCase() + " " + req.schema().wireName() + ", " + r.profilesScanned()
                + " profiles scanned";
    }

    @Override
    public AudienceReport run(AudienceRequest req, SyncContext context, RowSink rows) {
        boolean needsKlaviyo = req.source() == Source.KLAVIYO || req.enrichEvents();
        // asked for up front, as before the runner: a missing key is a 400 before anything is read
        KlaviyoClient client = needsKlaviyo ? context.klaviyo() : null;
        Counts counts = new Counts(req, context);
        long enrichLimit = req.enrichProfileLimit().map(Integer::longValue).orElse(Long.MAX_VALUE);
        boolean enrich = req.enrichEvents() && enrichLimit > 0 && req.enrichEventsMaxPages().orElse(1) > 0
                && req.schema().hasEngagementColumns() && req.profileLimit() > 0;
        long enriched = 0;
        Enrichment enrichment = null;
        Profiles source = profiles(req, client, context);
        try (Stream<Profile> profiles = source.stream()) {
            Iterator<Profile> it = profiles.iterator();
            Deque<Profile> ahead = new ArrayDeque<>();
            if (enrich) {
                enrichment = new Enrichment(client, context.clock(), req.enrichEventsMaxPages());
                enrichment.estimate();
                // Read ahead only as far as the per-profile plan could still be the cheaper one: the kept
                // profiles (not the scanned ones) are what it costs, and they are known only by reading.
                long breakEven = Math.min(enrichment.perProfileBreakEven(), enrichLimit);
                while (ahead.size() <= breakEven && it.hasNext()) {
                    Profile p = counts.next(it);
                    if (p != null) {
                        ahead.add(p);
                    }
                }
                if (ahead.size() <= breakEven || enrichLimit <= enrichment.perProfileBreakEven()) {
                    enrichment.choosePerProfile();
                    context.plan("enrichment", "per-profile", ahead.size() <= breakEven
                            ? "at most " + ahead.size() + " profiles to enrich, no dearer than the account pass"
                            : "enrichProfileLimit " + enrichLimit + " is below the account pass's break-even");
                } else {
                    enrichment.chooseAccountPass();
                    context.plan("enrichment", "account-pass", "more than " + breakEven
                            + " profiles to enrich: reading the account's engagement events once is cheaper");
                }
            }
            while (!ahead.isEmpty() || it.hasNext()) {
                Profile p = ahead.isEmpty() ? counts.next(it) : ahead.poll();
                if (p == null) {
                    continue;
                }
                Engagement en = Engagement.NONE;
                if (enrichment != null && enriched < enrichLimit && p.id() != null) {
                    en = enrichment.engagement(p.id());
                    enriched++;
                }
                source.sink(rows, p).row(req.schema().row(new Subscriber(p, en)));
            }
        }
        if (req.profileLimit() != Long.MAX_VALUE && counts.scanned >= req.profileLimit() && req.profileLimit() > 0) {
            context.cap("maxPages", "the scan stopped after " + counts.scanned + " profiles");
        }
        Optional<EnrichmentReport> enrichmentReport = Optional.empty();
        if (enrichment != null) {
            if (enriched >= enrichLimit) {
                context.cap("enrichProfileLimit", "only the first " + enrichLimit + " kept profiles were enriched");
            }
            if (enrichment.truncated()) {
                context.cap("enrichEventsMaxPages", "some engagement events were not read; First Active left empty");
            }
            CallStats calls = client.callStats();
            long enrichCalls = calls.endpoint("get_events").calls() + calls.endpoint("get_metrics").calls()
                    + calls.endpoint("query_metric_aggregates").calls();
            enrichmentReport = Optional.of(enrichment.report(enrichCalls, enriched));
        }
        return new AudienceReport(req.source(), req.schema(), counts.scanned, counts.dropped, req.includeSuppressed(),
                enrichmentReport);
    }

    /** Profiles scanned and dropped, as the scan goes. */
    private static final class Counts {
        final AudienceRequest req;
        final SyncContext context;
        long scanned;
        final Map<String, Long> dropped = new LinkedHashMap<>();

        Counts(AudienceRequest req, SyncContext context) {
            this.req = req;
            this.context = context;
        }

        /** The next scanned profile if it is kept, else null (counted as dropped). */
        Profile next(Iterator<Profile> it) {
            Profile p = it.next();
            context.progress(++scanned);
            String reason = req.includeSuppressed() ? null : dropReason(p);
            if (reason != null) {
                dropped.merge(reason, 1L, Long::sum);
                return null;
            }
            return p;
        }
    }

    /**
     * The profiles to map, and the part of the file each one's row belongs to. Paged in parallel slices, rows go
     * to the part of their slice, so the file is the slices one after the other whatever order pages arrived in.
     */
    private record Profiles(Stream<Profile> stream, Function<Profile, Integer> part) {
        static Profiles inOrder(Stream<Profile> s) {
            return new Profiles(s, null);
        }

        RowSink sink(RowSink rows, Profile p) {
            return part == null ? rows : rows.part(part.apply(p));
        }
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

    private static Profiles profiles(AudienceRequest req, KlaviyoClient client, SyncContext context) {
        long limit = req.profileLimit();
        if (limit == 0) {
            return Profiles.inOrder(Stream.empty());
        }
        if (req.source() == Source.PROFILES) {
            Stream<Profile> s = req.profiles().stream();
            Comparator<Profile> order = bodyOrder(req);
            return Profiles.inOrder((order == null ? s : s.sorted(order)).limit(limit));
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
            // Slices are paged as they come, so the rows of each go to a part of their own, written in slice order.
            // The slices are cut here, as the client cuts explicit bounds, to know which slice a profile is in.
            Optional<Instant> oldest = oldestCreated(client);
            Instant to = KlaviyoTime.boundAfter(context.clock().instant());
            if (oldest.isEmpty() || !to.isAfter(oldest.get())) {
                return Profiles.inOrder(Stream.empty());
            }
            List<Instant[]> slices = Partitioning.split(oldest.get(), to, PROFILE_SLICES);
            q = q.partitioned(Partitioning.between(oldest.get(), to).withSlices(PROFILE_SLICES));
            return new Profiles(client.list(Listings.PROFILES, q), p -> sliceOf(slices, p.created()));
        }
        return Profiles.inOrder(client.list(Listings.PROFILES, q).limit(limit));
    }

    /** The created time of the account's oldest profile: where the slices start. */
    private static Optional<Instant> oldestCreated(KlaviyoClient client) {
        try (Stream<Profile> first = client.list(Listings.PROFILES, Query.all().sort("created").pageSize(1).maxPages(1))) {
            return first.findFirst().map(Profile::created);
        }
    }

    /** The index of the slice [from, to) holding {@code t} (the client keeps a profile only in its own slice). */
    private static int sliceOf(List<Instant[]> slices, Instant t) {
        for (int i = slices.size() - 1; i > 0; i--) {
            if (!t.isBefore(slices.get(i)[0])) {
                return i;
            }
        }
        return 0;
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
