package dev.ksync.klaviyo;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import dev.ksync.klaviyo.wire.Campaign;
import dev.ksync.klaviyo.wire.CampaignMessage;
import dev.ksync.klaviyo.wire.Event;
import dev.ksync.klaviyo.wire.Flow;
import dev.ksync.klaviyo.wire.FlowAction;
import dev.ksync.klaviyo.wire.FlowMessage;
import dev.ksync.klaviyo.wire.KlaviyoList;
import dev.ksync.klaviyo.wire.KlaviyoTime;
import dev.ksync.klaviyo.wire.Metric;
import dev.ksync.klaviyo.wire.Page;
import dev.ksync.klaviyo.wire.Profile;
import dev.ksync.klaviyo.wire.Segment;
import dev.ksync.klaviyo.wire.Tag;
import dev.ksync.klaviyo.wire.Template;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * try (Stream<Profile> s = k.profiles(ProfileQuery.all().withSubscriptions(), PageListener.NONE)) {
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
        AccountBudgets budgets = b.budgets != null ? b.budgets : new AccountBudgets(clock, config.rateScale());
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

    // ---------------------------------------------------------------- single resources

    public Account account() {
        Endpoint ep = Endpoints.ACCOUNTS;
        Page p = Page.from(caller.get(ep, uri(ep, null, Map.of()), false));
        if (p.data().isEmpty()) throw new KlaviyoException.Protocol(ep.operationId(), "no account in the answer", null);
        return Account.from(p.data().getFirst());
    }

    // ---------------------------------------------------------------- profiles and events

    public Stream<Profile> profiles(ProfileQuery q) {
        return profiles(q, PageListener.NONE);
    }

    public Stream<Profile> profiles(ProfileQuery q, PageListener listener) {
        Endpoint ep = Endpoints.PROFILES;
        Map<String, String> query = new LinkedHashMap<>();
        if (!q.additionalFields().isEmpty()) {
            query.put("additional-fields[profile]", String.join(",", q.additionalFields().stream().sorted().toList()));
        }
        query.put("page[size]", String.valueOf(pageSize(ep, q.pageSize())));
        PageSource source = uri -> Page.from(caller.get(ep, uri, q.predictive()));
        if (q.partitioning() == null) {
            if (q.sort() != null) checkSort(ep, q.sort());
            query.put("sort", q.sort());
            query.put("filter", Filters.join(ep, q.filters()));
            URI first = q.resumeFrom() != null ? Urls.parseLink(q.resumeFrom()) : uri(ep, null, query);
            return Pager.stream(ep.operationId(), null, first, source, decodeAll(Profile::from), listener, q.maxPages());
        }
        // partitioned: slice on the sort field (created by default) so slice order is sort order
        String sort = q.sort() == null ? "created" : q.sort();
        String field = sort.startsWith("-") ? sort.substring(1) : sort;
        if (!field.equals("created") && !field.equals("updated")) {
            throw new IllegalArgumentException("partitioned profiles sort by created or updated, not " + sort);
        }
        Partitioning p = q.partitioning();
        Instant from = p.from() != null ? p.from() : oldestProfile(field, q);
        Instant to = p.to() != null ? p.to() : clock.instant().plusSeconds(1);
        if (from == null || !to.isAfter(from)) return Stream.empty();
        query.put("sort", sort);
        int concurrency = concurrency(ep, q.predictive());
        List<Slice> slices = new ArrayList<>();
        for (Instant[] r : Slice.split(from, to, p.slices() > 0 ? p.slices() : 4 * concurrency)) {
            List<String> filters = new ArrayList<>(q.filters());
            // profiles take only greater-than/less-than on these fields: widen by 1 s and let each
            // slice keep only what it owns, so no record is lost at a boundary and none is doubled
            filters.add("greater-than(" + field + "," + KlaviyoTime.format(r[0].minusSeconds(1)) + ")");
            filters.add("less-than(" + field + "," + KlaviyoTime.format(r[1]) + ")");
            Map<String, String> sq = new LinkedHashMap<>(query);
            sq.put("filter", Filters.join(ep, filters));
            slices.add(new Slice(KlaviyoTime.format(r[0]) + "/" + KlaviyoTime.format(r[1]), r[0], r[1], uri(ep, null, sq)));
        }
        if (sort.startsWith("-")) java.util.Collections.reverse(slices);
        Function<Profile, Instant> key = field.equals("created") ? Profile::created : Profile::updated;
        return PartitionedPager.stream(ep.operationId(), slices, source,
                (slice, page) -> page.data().stream().map(Profile::from).filter(pr -> slice.owns(key.apply(pr))).toList(),
                listener, concurrency, 2, q.sort() != null);
    }

    private Instant oldestProfile(String field, ProfileQuery q) {
        Endpoint ep = Endpoints.PROFILES;
        Map<String, String> query = new LinkedHashMap<>();
        query.put("sort", field);
        query.put("page[size]", "1");
        query.put("filter", Filters.join(ep, q.filters()));
        Page p = Page.from(caller.get(ep, uri(ep, null, query), false));
        if (p.data().isEmpty()) return null;
        Profile first = Profile.from(p.data().getFirst());
        return field.equals("created") ? first.created() : first.updated();
    }

    public Stream<Event> events(EventQuery q) {
        return events(q, PageListener.NONE);
    }

    public Stream<Event> events(EventQuery q, PageListener listener) {
        Endpoint ep = Endpoints.EVENTS;
        Map<String, String> query = new LinkedHashMap<>();
        if (!q.include().isEmpty()) query.put("include", String.join(",", q.include()));
        q.fields().forEach((type, list) -> query.put("fields[" + type + "]", list));
        if (q.sort() != null) {
            checkSort(ep, q.sort());
            query.put("sort", q.sort());
        }
        query.put("page[size]", String.valueOf(pageSize(ep, q.pageSize())));
        List<String> base = new ArrayList<>();
        if (q.metricId() != null) base.add("equals(metric_id,\"" + q.metricId() + "\")");
        if (q.profileId() != null) base.add("equals(profile_id,\"" + q.profileId() + "\")");
        base.addAll(q.filters());
        PageSource source = uri -> Page.from(caller.get(ep, uri, false));
        if (q.partitions() == 0) {
            List<String> f = new ArrayList<>(base);
            if (q.from() != null) f.add("greater-or-equal(datetime," + KlaviyoTime.format(q.from()) + ")");
            if (q.to() != null) f.add("less-than(datetime," + KlaviyoTime.format(q.to()) + ")");
            query.put("filter", Filters.join(ep, f));
            URI first = q.resumeFrom() != null ? Urls.parseLink(q.resumeFrom()) : uri(ep, null, query);
            return Pager.stream(ep.operationId(), null, first, source, Event::fromPage, listener, q.maxPages());
        }
        int concurrency = concurrency(ep, false);
        List<Slice> slices = new ArrayList<>();
        for (Instant[] r : Slice.split(q.from(), q.to(), q.partitions())) {
            List<String> f = new ArrayList<>(base);
            f.add("greater-or-equal(datetime," + KlaviyoTime.format(r[0]) + ")");
            f.add("less-than(datetime," + KlaviyoTime.format(r[1]) + ")");
            Map<String, String> sq = new LinkedHashMap<>(query);
            sq.put("filter", Filters.join(ep, f));
            slices.add(new Slice(KlaviyoTime.format(r[0]) + "/" + KlaviyoTime.format(r[1]), r[0], r[1], uri(ep, null, sq)));
        }
        if (q.sort() != null && q.sort().startsWith("-")) java.util.Collections.reverse(slices);
        return PartitionedPager.stream(ep.operationId(), slices, source,
                (slice, page) -> Event.fromPage(page).stream().filter(e -> slice.owns(e.datetime())).toList(),
                listener, concurrency, 2, q.sort() != null);
    }

    // ---------------------------------------------------------------- catalog listings

    public Stream<Metric> metrics() {
        return list(Endpoints.METRICS, null, Map.of(), decodeAll(Metric::from));
    }

    public Stream<Flow> flows() {
        return flows(List.of());
    }

    /** @param filters e.g. {@code equals(archived,true)} (Klaviyo lists unarchived flows by default) */
    public Stream<Flow> flows(List<String> filters) {
        Endpoint ep = Endpoints.FLOWS;
        return list(ep, null, withPaging(ep, Filters.join(ep, filters), null), decodeAll(Flow::from));
    }

    public Stream<FlowAction> flowActions(String flowId) {
        Endpoint ep = Endpoints.FLOW_ACTIONS;
        return list(ep, flowId, withPaging(ep, null, null),
                p -> p.data().stream().map(r -> FlowAction.from(r, flowId)).toList());
    }

    public Stream<FlowMessage> flowMessages(String flowActionId) {
        Endpoint ep = Endpoints.FLOW_MESSAGES;
        return list(ep, flowActionId, withPaging(ep, null, null),
                p -> p.data().stream().map(r -> FlowMessage.from(r, flowActionId)).toList());
    }

    /** Klaviyo lists campaigns one channel at a time: {@code email}, {@code sms} or {@code mobile_push}. */
    public Stream<Campaign> campaigns(String channel) {
        return campaigns(channel, List.of());
    }

    /** @param filters more filters, e.g. {@code equals(archived,true)} */
    public Stream<Campaign> campaigns(String channel, List<String> filters) {
        Objects.requireNonNull(channel, "channel is null");
        Endpoint ep = Endpoints.CAMPAIGNS;
        List<String> f = new ArrayList<>();
        f.add("equals(messages.channel,'" + channel + "')");
        f.addAll(filters);
        return list(ep, null, withPaging(ep, Filters.join(ep, f), null),
                p -> p.data().stream().map(r -> Campaign.from(r, channel)).toList());
    }

    public Stream<CampaignMessage> campaignMessages(String campaignId) {
        Endpoint ep = Endpoints.CAMPAIGN_MESSAGES;
        return list(ep, campaignId, Map.of(), p -> p.data().stream().map(r -> CampaignMessage.from(r, campaignId)).toList());
    }

    public Stream<KlaviyoList> lists() {
        Endpoint ep = Endpoints.LISTS;
        return list(ep, null, withPaging(ep, null, null), decodeAll(KlaviyoList::from));
    }

    public Stream<Segment> segments() {
        Endpoint ep = Endpoints.SEGMENTS;
        return list(ep, null, withPaging(ep, null, null), decodeAll(Segment::from));
    }

    public Stream<Template> templates() {
        Endpoint ep = Endpoints.TEMPLATES;
        return list(ep, null, withPaging(ep, null, null), decodeAll(Template::from));
    }

    public Stream<Tag> tags() {
        Endpoint ep = Endpoints.TAGS;
        return list(ep, null, withPaging(ep, null, null), decodeAll(Tag::from));
    }

    /**
     * Raw resources of any GET listing, for raw ingestion: each element is one {@code data[]} item
     * exactly as Klaviyo sent it.
     *
     * @param query parameters as Klaviyo names them ({@code filter}, {@code page[size]}, {@code fields[x]}…)
     */
    public Stream<JsonNode> resources(Endpoint ep, String id, Map<String, String> query, PageListener listener) {
        if (query.containsKey("filter")) Filters.check(ep, query.get("filter"));
        boolean predictive = query.getOrDefault("additional-fields[profile]", "").contains("predictive_analytics");
        return Pager.stream(ep.operationId(), null, uri(ep, id, query),
                u -> Page.from(caller.get(ep, u, predictive)), Page::data, listener, 0);
    }

    /**
     * Whole pages of a GET listing with their {@code included[]}, for listings read with {@code include} (flows with
     * their actions and tags, campaigns with their messages and tags: one call a page instead of one per object).
     * The filter is checked against the endpoint; {@code page[size]} defaults to the endpoint's largest.
     */
    public Stream<Page> pages(Endpoint ep, Map<String, String> query) {
        Map<String, String> q = new LinkedHashMap<>(query);
        if (q.containsKey("filter")) Filters.check(ep, q.get("filter"));
        if (ep.pageSize() != null) q.putIfAbsent("page[size]", String.valueOf(ep.pageSize().max()));
        return list(ep, null, q, List::of);
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

    private <T> Stream<T> list(Endpoint ep, String id, Map<String, String> query, Function<Page, List<T>> decode) {
        return Pager.stream(ep.operationId(), null, uri(ep, id, query), u -> Page.from(caller.get(ep, u, false)),
                decode, PageListener.NONE, 0);
    }

    private Map<String, String> withPaging(Endpoint ep, String filter, String sort) {
        Map<String, String> q = new LinkedHashMap<>();
        if (filter != null) q.put("filter", filter);
        if (sort != null) q.put("sort", sort);
        if (ep.pageSize() != null) q.put("page[size]", String.valueOf(ep.pageSize().max()));
        return q;
    }

    private static int pageSize(Endpoint ep, Integer requested) {
        return requested == null ? ep.pageSize().max() : ep.pageSize().check(requested);
    }

    private static void checkSort(Endpoint ep, String sort) {
        if (!ep.allowsSort(sort)) throw new IllegalArgumentException("sort " + sort + " is not allowed on " + ep.path() + "; allowed: " + ep.sorts());
    }

    /** Parallel slices: bounded by the tier's burst (more would only queue) and the configured maximum. */
    private int concurrency(Endpoint ep, boolean predictive) {
        return Math.max(1, Math.min(config.maxConcurrency(), ep.tierFor(predictive).burstPerSecond()));
    }

    private URI uri(Endpoint ep, String id, Map<String, String> query) {
        return Urls.build(config.baseUrl(), ep.path(id), query);
    }

    private static <T> Function<Page, List<T>> decodeAll(Function<JsonNode, T> f) {
        return p -> p.data().stream().map(f).toList();
    }

    @Override
    public void close() throws Exception {
        if (ownedTransport != null) ownedTransport.close();
    }
}
