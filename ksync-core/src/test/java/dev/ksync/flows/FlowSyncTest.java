package dev.ksync.flows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.reporting.EventTruth;
import dev.ksync.reporting.ReportPlan;
import dev.ksync.reporting.ReportPlanner.Aggregation;
import dev.ksync.reporting.ReportPlanner.Strategy;
import dev.ksync.reporting.ReportQuota;
import dev.ksync.reporting.ReportSandbox;
import dev.ksync.reporting.Statistic;
import dev.ksync.sandbox.data.Flow;
import dev.ksync.sandbox.data.FlowMessage;
import dev.ksync.sandbox.data.SandboxData;
import dev.ksync.sync.SyncContext;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Flow sync against the sandbox: numbers recounted from raw events, calls counted on the sandbox's side. */
class FlowSyncTest {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FlowSyncTest.class);
    static ReportSandbox fx;
    static SandboxData data;
    static ZoneId zone;
    static LocalDate today;
    static final ReportQuota FULL = ReportQuota.fixed(ReportQuota.KLAVIYO_DAILY, null);

    @BeforeAll
    static void start() {
        fx = new ReportSandbox(1500);
        data = fx.sandbox.data();
        zone = data.timezone();
        today = LocalDate.now(fx.clock.withZone(zone));
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    @BeforeEach
    void fresh() {
        fx.resetStats();
    }

    record Run(FlowSyncReport report, ReportSandbox.Capture csv) {}

    static Run run(FlowSyncRequest req) {
        return run(req, FULL, 50_000);
    }

    static Run run(FlowSyncRequest req, ReportQuota quota, int rowBudget) {
        return run(fx, req, quota, rowBudget);
    }

    static Run run(ReportSandbox on, FlowSyncRequest req, ReportQuota quota, int rowBudget) {
        FlowSync sync = new FlowSync(new FlowSync.Settings(Optional.empty(), rowBudget), quota, on.clock);
        ReportSandbox.Capture csv = new ReportSandbox.Capture(FlowSchema.HEADER);
        KlaviyoClient client = on.client();
        return new Run(sync.run(req, SyncContext.direct(on.clock, client), csv), csv);
    }

    @Test
    void every_cell_of_every_day_equals_the_recount_from_raw_events() {
        LocalDate first = today.minusDays(80), last = today.minusDays(6); // 75 days: two series windows
        Run r = run(FlowSyncRequest.builder().between(first, last).build());
        assertThat(r.report().plan().reportCalls()).isEqualTo(2);
        assertThat(r.csv().rows()).hasSizeGreaterThan(100);
        assertEveryCellIsTheRecount(fx, r, first, last);
    }

    @Test
    void west_of_utc_each_day_holds_its_own_local_days_events() {
        // Klaviyo labels each series bucket's local midnight +00:00: read as an instant, a Los Angeles day would
        // land on the day before and the window's first day would be lost
        ZoneId la = ZoneId.of("America/Los_Angeles");
        try (ReportSandbox west = new ReportSandbox(800, la.getId())) {
            LocalDate today = LocalDate.now(west.clock.withZone(la));
            LocalDate first = today.minusDays(30), last = today.minusDays(2);
            Run r = run(west, FlowSyncRequest.builder().between(first, last).build(), FULL, 50_000);
            assertThat(r.report().zone()).isEqualTo(la);
            assertThat(r.csv().rows()).hasSizeGreaterThan(20);
            assertThat(r.csv().rows()).anySatisfy(row -> assertThat(row.get("Day")).isEqualTo(first.toString()));
            assertEveryCellIsTheRecount(west, r, first, last);
        }
    }

    @Test
    void an_archived_flow_that_sent_in_the_window_has_its_rows_with_its_name_status_and_tags() {
        // Klaviyo's flows listing leaves archived flows out: the sync looks up the ones its reports name
        List<Flow> archived = data.flows().stream().filter(Flow::archived).toList();
        assertThat(archived).hasSizeGreaterThanOrEqualTo(2);
        // from the week before the first of them stopped sending to the day the last one did
        List<LocalDate> stopped = archived.stream().map(f -> LocalDate.ofInstant(f.activeUntil(), zone)).sorted().toList();
        LocalDate first = stopped.getFirst().minusDays(7), last = stopped.getLast();
        Run r = run(FlowSyncRequest.builder().between(first, last).build());
        Set<String> archivedIds = archived.stream().map(Flow::id).collect(Collectors.toSet());
        assertThat(r.csv().rows().stream().map(row -> row.get("Flow ID")).filter(archivedIds::contains).distinct())
                .as("rows of the archived flows %s", archivedIds).containsExactlyInAnyOrderElementsOf(archivedIds);
        assertEveryCellIsTheRecount(fx, r, first, last);
        assertThat(fx.stats()).as("the flows and the archived ones the reports name").containsEntry("get_flows", 2L);
    }

    /** Every row's day and cells equal a recount of the sandbox's raw events per account-local day, none missing. */
    private static void assertEveryCellIsTheRecount(ReportSandbox on, Run r, LocalDate first, LocalDate last) {
        SandboxData data = on.sandbox.data();
        ZoneId zone = data.timezone();
        Map<String, String> metricIds = new HashMap<>();
        data.metrics().forEach(m -> metricIds.putIfAbsent(m.name(), m.id()));
        Instant from = first.atStartOfDay(zone).toInstant(), to = last.plusDays(1).atStartOfDay(zone).toInstant();
        Map<String, EventTruth.Counter> truth = EventTruth.count(on.client(), metricIds, r.report().conversionMetric().id(),
                from, to,
                e -> EventTruth.prop(e, "$flow") == null ? null : EventTruth.prop(e, "$message") + "|" + EventTruth.day(e, zone),
                e -> EventTruth.prop(e, "$attributed_flow") == null ? null
                        : EventTruth.prop(e, "$attributed_message") + "|" + EventTruth.day(e, zone));

        List<Map<String, String>> rows = r.csv().rows();
        // a day whose only events are columns flows.csv does not have (an SMS that failed to deliver) has no row
        Set<String> active = truth.entrySet().stream().filter(e -> Statistic.FLOW_COLUMNS.stream()
                .anyMatch(s -> e.getValue().expected(s) != 0)).map(Map.Entry::getKey).collect(Collectors.toSet());
        assertThat(rows.stream().map(x -> x.get("Flow Message ID") + "|" + x.get("Day")).collect(Collectors.toSet()))
                .isEqualTo(active);
        for (Map<String, String> row : rows) {
            EventTruth.Counter c = truth.get(row.get("Flow Message ID") + "|" + row.get("Day"));
            for (Statistic s : Statistic.FLOW_COLUMNS) {
                assertThat(row.get(s.header())).as("%s of %s on %s", s.header(), row.get("Flow Message ID"), row.get("Day"))
                        .isEqualTo(s.format(c.expected(s)));
            }
            double delivered = Double.parseDouble(row.get("Delivered"));
            assertThat(row.get("Open Rate")).isEqualTo(Statistic.OPEN_RATE.format(
                    delivered == 0 ? 0 : Double.parseDouble(row.get("Unique Opens")) / delivered));
            FlowMessage m = data.find("flow-message", row.get("Flow Message ID"), FlowMessage.class).orElseThrow();
            Flow f = data.find("flow", m.flowId(), Flow.class).orElseThrow();
            assertThat(row.get("Flow ID")).isEqualTo(f.id());
            assertThat(row.get("Flow Name")).isEqualTo(f.name());
            assertThat(row.get("Flow Message Name")).isEqualTo(m.name());
            assertThat(row.get("Flow Message Channel")).isEqualTo(m.channel());
            assertThat(row.get("Status")).isEqualTo(f.status());
            assertThat(row.get("Tags")).isEqualTo(f.tagIds().stream().map(id -> data.find("tag", id,
                    dev.ksync.sandbox.data.Tag.class).orElseThrow().name()).sorted().collect(Collectors.joining(";")));
        }
        // sorted by Day, then flow and message IDs
        List<String> keys = rows.stream().map(x -> x.get("Day") + "|" + x.get("Flow ID") + "|" + x.get("Flow Message ID")).toList();
        assertThat(keys).isSorted();
    }

    @Test
    void a_year_of_the_whole_account_costs_at_most_7_report_calls_and_12_calls_in_all() {
        Run r = run(FlowSyncRequest.builder().days(365).enrichMessageNames(true).build());
        Map<String, Long> calls = fx.stats();
        LOG.info("flows.csv, 365 days, whole account: {} rows, Klaviyo calls {}", r.report().rows(), calls);
        assertThat(calls.getOrDefault("query_flow_series", 0L)).isLessThanOrEqualTo(7);
        assertThat(ReportSandbox.total(calls)).as("calls %s", calls).isLessThanOrEqualTo(12);
        assertThat(calls).doesNotContainKeys("get_actions_for_flow", "get_flow_action_messages", "query_flow_values");
        assertThat(fx.throttled()).isZero();
        assertThat(r.report().rows()).isGreaterThan(1000);
        assertThat(r.report().calls().total().calls()).isEqualTo(ReportSandbox.total(calls));
        // no row lacks a name or a channel, though no flow was walked
        assertThat(r.csv().rows()).allSatisfy(row -> {
            assertThat(row.get("Flow Message Name")).isNotEmpty();
            assertThat(row.get("Flow Message Channel")).isNotEmpty();
        });
        // a rerun over the same data is byte-identical
        assertThat(run(FlowSyncRequest.builder().days(365).build()).csv().text()).isEqualTo(r.csv().text());
    }

    @Test
    void per_day_values_and_series_give_the_same_file() {
        LocalDate first = today.minusDays(12), last = today.minusDays(10);
        Run series = run(FlowSyncRequest.builder().between(first, last).build());
        Run legacy = run(FlowSyncRequest.builder().between(first, last).reportStrategy(Strategy.PER_DAY_VALUES).build());
        assertThat(series.report().plan().reportCalls()).isEqualTo(1);
        assertThat(legacy.report().plan().reportCalls()).isEqualTo(3);
        assertThat(legacy.csv().text()).isEqualTo(series.csv().text());
        assertThat(series.report().rows()).isPositive();
    }

    @Test
    void legacy_strategy_past_the_daily_quota_is_refused_before_any_report_call() {
        FlowSyncRequest req = FlowSyncRequest.builder().days(365).reportStrategy(Strategy.PER_DAY_VALUES).build();
        Instant resets = Instant.parse("2030-01-02T00:00:00Z");
        assertThatThrownBy(() -> run(req, ReportQuota.fixed(225, resets), 50_000))
                .isInstanceOfSatisfying(KsyncException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMITED);
                    assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMITED);
                    assertThat(e.code()).isEqualTo("report_quota_exhausted");
                    assertThat(e.details()).containsEntry("planned", 365).containsEntry("remaining", 225)
                            .containsEntry("resetsAt", "2030-01-02T00:00:00Z");
                });
        assertThat(fx.stats()).doesNotContainKeys("query_flow_values", "query_flow_series");
    }

    @Test
    void auto_takes_per_day_when_it_fits_and_range_when_it_does_not() {
        Run fits = run(FlowSyncRequest.builder().days(90).aggregation(Aggregation.AUTO).build());
        assertThat(fits.report().plan().shape()).isEqualTo(ReportPlan.Shape.SERIES_DAILY);
        assertThat(fits.report().plan().choice()).startsWith("auto: per-day");

        Run tight = run(FlowSyncRequest.builder().days(90).aggregation(Aggregation.AUTO).build(),
                ReportQuota.fixed(1, null), 50_000);
        assertThat(tight.report().plan().shape()).isEqualTo(ReportPlan.Shape.VALUES_RANGE);
        assertThat(tight.report().plan().choice()).startsWith("auto: range");
        LocalDate first = today.minusDays(90);
        assertThat(tight.csv().rows()).isNotEmpty().allSatisfy(row -> assertThat(row.get("Day")).isEqualTo(first.toString()));
        // the range row of a message sums its days: delivered equals the per-day rows' total
        Map<String, Long> perDay = new HashMap<>();
        fits.csv().rows().forEach(row -> perDay.merge(row.get("Flow Message ID"), Long.parseLong(row.get("Delivered")), Long::sum));
        tight.csv().rows().forEach(row -> assertThat(Long.parseLong(row.get("Delivered")))
                .isEqualTo(perDay.getOrDefault(row.get("Flow Message ID"), 0L)));
    }

    @Test
    void include_drafts_adds_a_zero_row_per_draft_message_without_walking_flows() {
        Run r = run(FlowSyncRequest.builder().days(7).includeDrafts(true).build());
        Set<String> draftMessages = data.flows().stream().filter(f -> f.status().equals("draft") && !f.archived())
                .flatMap(f -> data.flowMessages().stream().filter(m -> m.flowId().equals(f.id()))).map(FlowMessage::id)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(draftMessages).isNotEmpty();
        List<Map<String, String>> drafts = r.csv().rows().stream().filter(row -> row.get("Status").equals("draft")).toList();
        Set<String> draftRows = drafts.stream().map(row -> row.get("Flow Message ID")).collect(Collectors.toCollection(TreeSet::new));
        assertThat(draftRows).isEqualTo(draftMessages);
        assertThat(drafts).allSatisfy(row -> {
            assertThat(row.get("Day")).isEqualTo(today.minusDays(7).toString());
            assertThat(row.get("Delivered")).isEqualTo("0");
            assertThat(row.get("Open Rate")).isEqualTo("0");
            assertThat(row.get("Revenue")).isEqualTo("0.00");
        });
        assertThat(fx.stats()).doesNotContainKeys("get_actions_for_flow", "get_flow_action_messages");
    }

    @Test
    void limit_flows_keeps_the_first_flows_by_id_and_says_so() {
        Run r = run(FlowSyncRequest.builder().days(30).limitFlows(2).build());
        List<String> firstTwo = data.flows().stream().filter(f -> !f.archived()).map(Flow::id).sorted().limit(2).toList();
        assertThat(r.csv().rows()).isNotEmpty().allSatisfy(row -> assertThat(firstTwo).contains(row.get("Flow ID")));
        assertThat(r.report().caps()).containsKey("limitFlows");
    }

    @Test
    void a_plan_past_the_row_budget_is_refused_before_any_report_call() {
        assertThatThrownBy(() -> run(FlowSyncRequest.builder().days(365).build(), FULL, 500))
                .isInstanceOfSatisfying(KsyncException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UNPROCESSABLE);
                    assertThat(e.code()).isEqualTo("row_budget_exceeded");
                });
        assertThat(fx.stats()).doesNotContainKeys("query_flow_series", "query_flow_values");
    }
}
