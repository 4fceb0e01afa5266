package dev.ksync.audience;

import dev.ksync.audience.Engagement.EngagementKind;
import dev.ksync.klaviyo.Filter;
import dev.ksync.klaviyo.Listings;
import dev.ksync.klaviyo.Partitioning;
import dev.ksync.klaviyo.Query;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.report.MetricAggregate;
import dev.ksync.klaviyo.report.MetricAggregateQuery;
import dev.ksync.klaviyo.wire.Event;
import dev.ksync.klaviyo.wire.KlaviyoTime;
import dev.ksync.klaviyo.wire.Metric;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Fills First Active, Last Open and Last Click from Opened/Clicked Email events, choosing the plan that costs fewer
 * Klaviyo calls:
 * <ul>
 *   <li><b>account pass</b>: read every Opened and Clicked Email event once (1,000 a page, time slices in parallel)
 *       and fold them per profile; cost ≈ events / 1,000 pages, whatever the number of profiles;</li>
 *   <li><b>per profile</b>: for each profile read its opens and its clicks (1,000 a page, so one call each for all
 *       but the most engaged profiles); cost ≈ 2 × profiles, whatever the number of events.</li>
 * </ul>
 * The pass plan's size is estimated with metric aggregates (event counts) before choosing.
 */
final class Enrichment {
    static final int CALLS_PER_PROFILE = 2;
    private static final int EVENTS_PAGE = 1000;
    /** Events per parallel slice in the pass plan: a few pages each, so slicing adds little overhead. */
    private static final long EVENTS_PER_SLICE = 5 * EVENTS_PAGE;
    private static final int MAX_SLICES = 16;
    private static final Duration MAX_AGGREGATE_SPAN = Duration.ofDays(365);

    enum Plan { ACCOUNT_PASS, PER_PROFILE }

    private final KlaviyoClient client;
    private final Clock clock;
    private final Optional<Integer> maxPages;
    private final Map<EngagementKind, String> metricIds = new EnumMap<>(EngagementKind.class);
    private final Map<EngagementKind, Instant> earliest = new EnumMap<>(EngagementKind.class);
    private final Map<EngagementKind, Long> counts = new EnumMap<>(EngagementKind.class);
    private Instant windowEnd;
    private Plan plan;
    private long planningCalls;
    private long passEstimate;
    private boolean truncated;
    private boolean passTruncated;
    private Map<String, Engagement> byProfile = Map.of();

    Enrichment(KlaviyoClient client, Clock clock, Optional<Integer> maxPages) {
        this.client = client;
        this.clock = clock;
        this.maxPages = maxPages;
    }

    /**
     * Learns what the account pass would cost: the metric ids, the earliest engagement event of each metric (the
     * window start) and the number of events (metric aggregates). These planning calls are spent once.
     */
    void estimate() {
        long before = client.callStats().total().calls();
        windowEnd = KlaviyoTime.boundAfter(clock.instant());
        for (Metric m : client.list(Listings.METRICS, Query.all()).toList()) {
            for (EngagementKind k : EngagementKind.values()) {
                // Prefer Klaviyo's own e-mail metric when integrations duplicate the name.
                if (k.metricName().equals(m.name()) && (!metricIds.containsKey(k) || "Klaviyo".equals(m.integrationName()))) {
                    metricIds.put(k, m.id());
                }
            }
        }
        for (var e : metricIds.entrySet()) {
            try (Stream<Event> first = client.list(Listings.EVENTS, Query.all().filter(Filter.equals("metric_id", e.getValue()))
                    .sort("datetime").pageSize(1).maxPages(1).param("fields[event]", "datetime"))) {
                first.findFirst().ifPresent(ev -> earliest.put(e.getKey(), ev.datetime()));
            }
        }
        for (var e : earliest.entrySet()) {
            counts.put(e.getKey(), countEvents(metricIds.get(e.getKey()), e.getValue()));
        }
        passEstimate = counts.values().stream()
                .mapToLong(c -> maxPages.isPresent() ? Math.min(pagesFor(c), maxPages.get()) : pagesFor(c) + slicesFor(c))
                .sum();
        planningCalls = client.callStats().total().calls() - before;
    }

    /** The most profiles for which the per-profile plan is still no dearer than the account pass. */
    long perProfileBreakEven() {
        return passEstimate / CALLS_PER_PROFILE;
    }

    /** Enrich profile by profile, as rows are written. */
    void choosePerProfile() {
        plan = Plan.PER_PROFILE;
    }

    /** Read every engagement event of the account now, before rows are written. */
    void chooseAccountPass() {
        plan = Plan.ACCOUNT_PASS;
        byProfile = pass();
    }

    /** What enrichment knows of this profile; in the per-profile plan this asks Klaviyo now. */
    Engagement engagement(String profileId) {
        if (plan == Plan.ACCOUNT_PASS) {
            return byProfile.getOrDefault(profileId, Engagement.NONE);
        }
        Engagement en = Engagement.NONE;
        boolean[] cut = {false};
        for (var e : metricIds.entrySet()) {
            // newest first: under a page cap the latest open and click are the ones that must survive
            Query q = Query.all().filter(Filter.equals("metric_id", e.getValue())).filter(Filter.equals("profile_id", profileId))
                    .pageSize(EVENTS_PAGE).sort("-datetime").param("fields[event]", "datetime");
            if (maxPages.isPresent()) {
                q = q.maxPages(maxPages.get());
            }
            try (Stream<Event> s = client.list(Listings.EVENTS, q, page -> cut[0] |= page.last() && page.nextLink() != null)) {
                for (Iterator<Event> it = s.iterator(); it.hasNext(); ) {
                    Event ev = it.next();
                    if (ev.datetime() != null) {
                        en = en.with(e.getKey(), ev.datetime());
                    }
                }
            }
        }
        if (cut[0]) {
            truncated = true;
            return en.withoutFirstActive(); // the earliest event was not read
        }
        return en;
    }

    private long countEvents(String metricId, Instant from) {
        long total = 0;
        for (Instant start = from; start.isBefore(windowEnd); start = start.plus(MAX_AGGREGATE_SPAN)) {
            Instant end = start.plus(MAX_AGGREGATE_SPAN).isBefore(windowEnd) ? start.plus(MAX_AGGREGATE_SPAN) : windowEnd;
            MetricAggregate a = client.metricAggregates(
                    MetricAggregateQuery.of(metricId, List.of("count"), start, end, "UTC").interval("month"));
            for (MetricAggregate.Row row : a.data()) {
                total += row.measurements().getOrDefault("count", List.of()).stream().mapToLong(Double::longValue).sum();
            }
        }
        return total;
    }

    private Map<String, Engagement> pass() {
        Map<String, Engagement> found = new HashMap<>();
        for (var e : earliest.entrySet()) {
            EngagementKind kind = e.getKey();
            long count = counts.getOrDefault(kind, 0L);
            Query q = Query.all().filter(Filter.equals("metric_id", metricIds.get(kind))).pageSize(EVENTS_PAGE)
                    .param("fields[event]", "datetime").param("include", "profile").param("fields[profile]", "id");
            Query window = q.filter(Filter.greaterOrEqual("datetime", e.getValue())).filter(Filter.lessThan("datetime", windowEnd));
            if (maxPages.isPresent()) {
                // a page cap reads newest first on one cursor: the latest opens and clicks survive the cut
                q = window.sort("-datetime").maxPages(maxPages.get());
                passTruncated |= maxPages.get() < pagesFor(count);
            } else if (slicesFor(count) > 1) {
                q = q.partitioned(Partitioning.between(e.getValue(), windowEnd).withSlices(slicesFor(count)));
            } else {
                q = window;
            }
            try (Stream<Event> events = client.list(Listings.EVENTS, q)) {
                events.forEach(ev -> {
                    if (ev.profileId() != null && ev.datetime() != null) {
                        found.merge(ev.profileId(), Engagement.NONE.with(kind, ev.datetime()),
                                (a, b) -> a.with(kind, ev.datetime()));
                    }
                });
            }
        }
        if (passTruncated) {
            truncated = true;
            // the earliest events were not read, so nobody's First Active is known
            found.replaceAll((id, en) -> en.withoutFirstActive());
        }
        return found;
    }

    private static long pagesFor(long events) {
        return Math.max(1, (events + EVENTS_PAGE - 1) / EVENTS_PAGE);
    }

    private static int slicesFor(long events) {
        return (int) Math.max(1, Math.min(MAX_SLICES, (events + EVENTS_PER_SLICE - 1) / EVENTS_PER_SLICE));
    }

    /** What ran, what it cost, and what the other plan would have cost ({@code enrichedProfiles} known at the end). */
    EnrichmentReport report(long callsSoFar, long enrichedProfiles) {
        Map<String, String> metrics = new HashMap<>();
        metricIds.forEach((k, id) -> metrics.put(k.metricName(), id));
        return new EnrichmentReport(plan == Plan.ACCOUNT_PASS ? "account-pass" : "per-profile", planningCalls,
                callsSoFar - planningCalls, passEstimate, CALLS_PER_PROFILE * enrichedProfiles,
                plan == Plan.ACCOUNT_PASS ? CALLS_PER_PROFILE * enrichedProfiles : passEstimate, enrichedProfiles,
                counts.values().stream().mapToLong(Long::longValue).sum(), metrics, truncated);
    }

    /** Whether a page cap left some engagement unread (First Active is then left empty). */
    boolean truncated() {
        return truncated;
    }
}
