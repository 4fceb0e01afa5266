package dev.ksync.klaviyo;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ksync.klaviyo.budget.AccountBudgets;
import dev.ksync.klaviyo.budget.Sleeper;
import dev.ksync.klaviyo.budget.WindowedBudget;
import dev.ksync.klaviyo.endpoint.Endpoint;
import dev.ksync.klaviyo.endpoint.Endpoints;
import dev.ksync.klaviyo.error.KlaviyoException;
import dev.ksync.klaviyo.http.Caller;
import dev.ksync.klaviyo.http.HttpTransport;
import dev.ksync.klaviyo.http.JdkHttpTransport;
import dev.ksync.klaviyo.http.Urls;
import dev.ksync.klaviyo.paging.PageListener;
import dev.ksync.klaviyo.paging.PageSource;
import dev.ksync.klaviyo.paging.Pager;
import dev.ksync.klaviyo.paging.PartitionedPager;
import dev.ksync.klaviyo.paging.Slice;
import dev.ksync.klaviyo.report.MetricAggregate;
import dev.ksync.klaviyo.report.MetricAggregateQuery;
import dev.ksync.klaviyo.report.ReportRequest;
import dev.ksync.klaviyo.report.SeriesReport;
import dev.ksync.klaviyo.report.ValuesReport;
import dev.ksync.klaviyo.stats.CallListener;
import dev.ksync.klaviyo.stats.CallRecorder;
import dev.ksync.klaviyo.stats.CallStats;
import dev.ksync.klaviyo.wire.Account;
import dev.ksync.klaviyo.wire.KlaviyoTime;
import dev.ksync.klaviyo.wire.Page;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The Klaviyo API for one account. Listings are lazy streams: a page is fetched when the consumer
 * reaches it. Every call goes through the account's rate budgets and the retry policy and is
 * counted in {@link #callStats()}. Thread-safe; make one per account and share it.
 *
 * <pre>{@code
 * KlaviyoClient k = KlaviyoClient.builder(KlaviyoClientConfig.of(baseUrl), ApiKey.of(secret)).build();
 * try (Stream<Profile> s = k.list(Listings.PROFILES, Query.all().add("additional-fields[profile]", "subscriptions"))) {
 *     s.forEach(...);
 * }
 * CallStats stats = k.callStats();
 * }</pre>
 */
public final class KlaviyoClient implements AutoCloseable {
    private final KlaviyoClientConfig config;
    private final Caller caller;
    private final CallRecorder recorder;
    private final Clock clock;
    private final AutoCloseable ownedTransport;
    private final AccountBudgets budgets;

    private KlaviyoClient(Builder b) {
        this.config = b.config;
        this.clock = b.clock;
        this.recorder = new CallRecorder(b.listener);
        HttpTransport transport = b.transport;
        JdkHttpTransport owned = null;
        if (transport == null) {
            owned = new JdkHttpTransport(Duration.ofSeconds(10));
            transport = owned;
        }
        this.ownedTransport = owned;
        WindowedBudget global = b.global;
        if (global == null && config.hasGlobalLimit()) {
            global = AccountBudgets.global(config.globalBurst(), config.globalPerMinute(), clock);
        }
        this.budgets = b.budgets != null ? b.budgets : new AccountBudgets(clock, config.rateScale());
        ObjectMapper json = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        this.caller = new Caller(new Caller.Setup(config.revision(), config.timeout(), b.apiKey, transport,
                config.retry(), budgets, global, recorder, clock, b.sleeper, b.random, json));
    }

    public static Builder builder(KlaviyoClientConfig config, ApiKey apiKey) {
        return new Builder(config, apiKey);
    }

    /** Optional collaborators; everything has a production default. */
    public static final class Builder {
        private final KlaviyoClientConfig config;
        private final ApiKey apiKey;
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.system();
        private HttpTransport transport;
        private AccountBudgets budgets;
        private WindowedBudget global;
        private CallListener listener = CallListener.NONE;
        private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();

        private Builder(KlaviyoClientConfig config, ApiKey apiKey) {
            this.config = Objects.requireNonNull(config, "config is null");
            this.apiKey = Objects.requireNonNull(apiKey, "apiKey is null");
        }

        public Builder clock(Clock c) { this.clock = Objects.requireNonNull(c); return this; }
        public Builder sleeper(Sleeper s) { this.sleeper = Objects.requireNonNull(s); return this; }
        public Builder transport(HttpTransport t) { this.transport = Objects.requireNonNull(t); return this; }
        /** Sends through a pool shared with other clients (which the client does not close). */
        public Builder connections(Connections c) { return transport(c.transport()); }
        /** The account's budgets, shared with other clients of the same account. */
        public Builder budgets(AccountBudgets b) { this.budgets = Objects.requireNonNull(b); return this; }
        /** The process-wide budget shared by all accounts' clients. */
        public Builder globalBudget(WindowedBudget g) { this.global = Objects.requireNonNull(g); return this; }
        /** Receives every call event, e.g. to feed Micrometer. */
        public Builder listener(CallListener l) { this.listener = Objects.requireNonNull(l); return this; }
        /** Source of jitter in [0, 1). */
        public Builder random(DoubleSupplier r) { this.random = Objects.requireNonNull(r); return this; }

        public KlaviyoClient build() { return new KlaviyoClient(this); }
    }

    /** Calls, 429s, retries and waits per endpoint so far. */
    public CallStats callStats() {
        return recorder.snapshot();
    }

    public KlaviyoClientConfig config() {
        return config;
    }

    /**
     * What this account may still spend today on a daily-capped endpoint (the reporting API's 225), as its budget
     * windows count it (with a shared store, the calls of every process); empty when the endpoint has no daily cap.
     */
    public Optional<WindowedBudget.CapLeft> dailyCapLeft(Endpoint ep) {
        return budgets.forCall(ep, false).capLeft();
    }

    // ---------------------------------------------------------------- single resources

    public Account account() {
        Endpoint ep = Endpoints.ACCOUNTS;
        Page p = Page.from(caller.get(ep, uri(ep, null, Map.of()), false));
        if (p.data().isEmpty()) throw new KlaviyoException.Protocol(ep.operationId(), "no account in the answer", null);
        return Account.from(p.data().getFirst());
    }

    // ---------------------------------------------------------------- listings

    /** Every record of {@code listing} that {@code q} selects, as a lazy stream (see {@link #list(Listing, Query, PageListener)}). */
    public <T> Stream<T> list(Listing<T> listing, Query q) {
        return list(listing, q, PageListener.NONE);
    }

    /**
     * Pages any listing: one cursor, or — with {@link Query#partitioned} — time slices of the listing's slice
     * field paged in parallel, merged in slice order when the query sorts (by that field) and as pages arrive
     * when it does not. Filters and sort are checked against the endpoint before any call. Close a partitioned
     * stream that is not read to its end (try-with-resources).
     *
     * @param listener told after each page has been consumed (a safe checkpoint)
     */
    public <T> Stream<T> list(Listing<T> listing, Query q, PageListener listener) {
        Endpoint ep = listing.endpoint();
        List<Filter> filters = new ArrayList<>(listing.filters());
        filters.addAll(q.filters());
        filters.forEach(f -> f.checkAgainst(ep));
        if (q.sort() != null && !ep.allowsSort(q.sort())) {
            throw new IllegalArgumentException("sort " + q.sort() + " is not allowed on " + ep.path() + "; allowed: " + ep.sorts());
        }
        Map<String, String> query = new LinkedHashMap<>(q.params());
        if (ep.pageSize() != null) {
            query.put("page[size]", String.valueOf(q.pageSize() == null ? ep.pageSize().max() : ep.pageSize().check(q.pageSize())));
        } else if (q.pageSize() != null) {
            throw new IllegalArgumentException(ep.path() + " takes no page size");
        }
        query.put("sort", q.sort());
        boolean predictive = q.predictive();
        PageSource source = page(listing, predictive);
        Function<Page, List<T>> decode = p -> listing.decoder().decode(p, q.parentId());
        if (q.partitioning() == null) {
            query.put("filter", Filter.render(filters));
            URI first = q.resumeFrom() != null ? Urls.parseLink(q.resumeFrom()) : uri(ep, q.parentId(), query);
            return Pager.stream(ep.operationId(), null, first, source, decode, listener, q.maxPages());
        }
        if (q.maxPages() > 0) throw new IllegalArgumentException("maxPages applies to one cursor, not to partitions");
        return partitioned(listing, q, filters, query, source, decode, listener);
    }

    /**
     * Slices [from, to) of the slice field (the sort's, else the listing's first). Where the endpoint has no
     * greater-or-equal on it, a slice asks for greater-than(from − 1 s) — Klaviyo's times are whole seconds — and
     * keeps only what it owns; where it has no less-than, a slice pages in ascending order and ends at its first
     * record past {@code to}. Either way each record comes from exactly one slice.
     */
    private <T> Stream<T> partitioned(Listing<T> listing, Query q, List<Filter> filters, Map<String, String> query,
                                      PageSource source, Function<Page, List<T>> decode, PageListener listener) {
        Endpoint ep = listing.endpoint();
        if (listing.sliceFields().isEmpty()) throw new IllegalArgumentException(ep.path() + " has no time field to partition on");
        String field = q.sort() == null ? listing.sliceFields().keySet().iterator().next() : q.sort().replaceFirst("^-", "");
        Function<T, Instant> key = listing.sliceFields().get(field);
        if (key == null) {
            throw new IllegalArgumentException("partitioned " + ep.path() + " sorts by " + listing.sliceFields().keySet() + ", not " + q.sort());
        }
        boolean bounded = ep.allowsFilter(field, "less-than");
        if (!bounded) {
            if (!ep.allowsSort(field) || q.sort() != null && q.sort().startsWith("-")) {
                throw new IllegalArgumentException(ep.path() + " has no upper bound on " + field
                        + ": partitioned, it can only page in ascending " + field + " order");
            }
            query.put("sort", field);
        }
        boolean ordered = q.sort() != null;
        Partitioning p = q.partitioning();
        // unordered, a slice paging in ascending order can hand its unread half to a free worker (PartitionedPager)
        if (p.halves() && !ordered && ep.allowsSort(field)) query.put("sort", field);
        boolean halves = p.halves() && !ordered && field.equals(query.get("sort"));
        Instant from = p.from() != null ? p.from() : oldest(listing, field, key, filters, q.parentId());
        Instant to = p.to() != null ? p.to() : KlaviyoTime.boundAfter(clock.instant());
        if (from == null || !to.isAfter(from)) return Stream.empty();
        int concurrency = concurrency(ep, q.predictive());
        PartitionedPager.Slicer slicer = (a, b) -> {
            List<Filter> f = new ArrayList<>(filters);
            f.add(ep.allowsFilter(field, "greater-or-equal") ? Filter.greaterOrEqual(field, a)
                    : Filter.greaterThan(field, a.minusSeconds(1)));
            if (bounded) f.add(Filter.lessThan(field, b));
            Map<String, String> sq = new LinkedHashMap<>(query);
            sq.put("filter", Filter.render(f));
            return new Slice(KlaviyoTime.format(a) + "/" + KlaviyoTime.format(b), a, b, uri(ep, q.parentId(), sq), !bounded);
        };
        List<Slice> slices = new ArrayList<>();
        for (Instant[] r : Slice.split(from, to, p.slices() > 0 ? p.slices() : 4 * concurrency)) {
            slices.add(slicer.slice(r[0], r[1]));
        }
        if (q.sort() != null && q.sort().startsWith("-")) Collections.reverse(slices);
        return PartitionedPager.stream(ep.operationId(), slices, source, decode, key, listener, concurrency, 2, ordered,
                halves ? slicer : null);
    }

    /** One page of a listing, read as its decoder takes it (raw or as a tree). */
    private PageSource page(Listing<?> listing, boolean predictive) {
        Endpoint ep = listing.endpoint();
        if (listing.decoder().raw()) return u -> caller.get(ep, u, predictive, Page::raw);
        return u -> Page.from(caller.get(ep, u, predictive));
    }

    /** Where slices start when the caller gave no {@code from}: the oldest record's value, one call. */
    private <T> Instant oldest(Listing<T> listing, String field, Function<T, Instant> key, List<Filter> filters, String parentId) {
        Endpoint ep = listing.endpoint();
        if (!ep.allowsSort(field)) {
            throw new IllegalArgumentException(ep.path() + " cannot sort by " + field + ": partition it between(from, to)");
        }
        Map<String, String> query = new LinkedHashMap<>();
        query.put("sort", field);
        if (ep.pageSize() != null) query.put("page[size]", String.valueOf(ep.pageSize().min()));
        query.put("filter", Filter.render(filters));
        List<T> first = listing.decoder().decode(page(listing, false).fetch(uri(ep, parentId, query)), parentId);
        return first.isEmpty() ? null : key.apply(first.getFirst());
    }

    // ---------------------------------------------------------------- reports

    public ValuesReport flowValuesReport(ReportRequest r) {
        requireInterval(r, false);
        return ValuesReport.from(report(Endpoints.FLOW_VALUES_REPORT, r.toBody("flow-values-report")));
    }

    public SeriesReport flowSeriesReport(ReportRequest r) {
        requireInterval(r, true);
        return SeriesReport.from(report(Endpoints.FLOW_SERIES_REPORT, r.toBody("flow-series-report")));
    }

    public ValuesReport campaignValuesReport(ReportRequest r) {
        requireInterval(r, false);
        return ValuesReport.from(report(Endpoints.CAMPAIGN_VALUES_REPORT, r.toBody("campaign-values-report")));
    }

    public MetricAggregate metricAggregates(MetricAggregateQuery q) {
        Endpoint ep = Endpoints.METRIC_AGGREGATES;
        List<JsonNode> pages = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode doc = caller.post(ep, uri(ep, null, Map.of()), q.toBody(cursor));
            pages.add(doc);
            String next = Page.from(doc).next();
            cursor = next == null ? null : Urls.queryOf(Urls.parseLink(next)).getOrDefault("page_cursor",
                    doc.path("data").path("attributes").path("page_cursor").asText(null));
        } while (cursor != null && pages.size() < 1000);
        return MetricAggregate.from(pages);
    }

    private List<JsonNode> report(Endpoint ep, JsonNode body) {
        List<JsonNode> pages = new ArrayList<>();
        URI next = uri(ep, null, Map.of());
        while (next != null) {
            JsonNode doc = caller.post(ep, next, body);
            pages.add(doc);
            String link = Page.from(doc).next();
            next = link == null ? null : Urls.parseLink(link);
        }
        return pages;
    }

    private static void requireInterval(ReportRequest r, boolean series) {
        if (series != (r.interval() != null)) {
            throw new IllegalArgumentException(series ? "a series report needs an interval" : "a values report takes no interval");
        }
    }

    // ---------------------------------------------------------------- plumbing

    /** Parallel slices: bounded by the tier's burst (more would only queue) and the configured maximum. */
    private int concurrency(Endpoint ep, boolean predictive) {
        return Math.max(1, Math.min(config.maxConcurrency(), ep.tierFor(predictive).burstPerSecond()));
    }

    private URI uri(Endpoint ep, String id, Map<String, String> query) {
        return Urls.build(config.baseUrl(), ep.path(id), query);
    }

    @Override
    public void close() throws Exception {
        if (ownedTransport != null) ownedTransport.close();
    }
}
