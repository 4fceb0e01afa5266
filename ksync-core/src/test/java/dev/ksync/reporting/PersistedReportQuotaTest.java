package dev.ksync.reporting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ksync.accounts.KlaviyoAccess;
import dev.ksync.config.AppConfig;
import dev.ksync.config.Secret;
import dev.ksync.db.PostgresBudgetStore;
import dev.ksync.db.TestPostgres;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.flows.FlowSchema;
import dev.ksync.flows.FlowSync;
import dev.ksync.flows.FlowSyncReport;
import dev.ksync.flows.FlowSyncRequest;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.Listings;
import dev.ksync.klaviyo.Query;
import dev.ksync.klaviyo.budget.ManualClock;
import dev.ksync.klaviyo.report.ReportRequest;
import dev.ksync.klaviyo.report.Timeframe;
import dev.ksync.klaviyo.stats.CallListener;
import dev.ksync.reporting.ReportPlanner.Aggregation;
import dev.ksync.reporting.ReportPlanner.Strategy;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.sandbox.SandboxServer;
import dev.ksync.sync.SyncContext;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11: a sync's plan is checked against the report calls its account has left today, as the daily budget
 * windows in PostgreSQL count them — the calls of every process on the database. The sandbox does not limit, so
 * only ksync's own accounting stands between the processes and the quota; a manual clock replaces every wait.
 */
class PersistedReportQuotaTest {
    @RegisterExtension
    static final TestPostgres pg = new TestPostgres();

    static final String KEY = "pk_persisted_quota_key";
    /** Midday UTC, so the daily window (epoch days) cannot roll over during a test. */
    static final Instant NOON = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(12, ChronoUnit.HOURS);
    static final Instant MIDNIGHT = NOON.truncatedTo(ChronoUnit.DAYS).plus(1, ChronoUnit.DAYS);

    ManualClock clock;
    SandboxServer sandbox;
    AppConfig.KlaviyoSettings settings;
    List<KlaviyoAccess> processes = new ArrayList<>();

    @BeforeEach
    void start() {
        clock = new ManualClock(NOON);
        sandbox = SandboxServer.start(SandboxOptions.defaults().withProfiles(60).withHistoryDays(400).withApiKey(KEY)
                .withRateLimits(RateLimitMode.OFF));
        settings = AppConfig.load(Map.of("KLAVIYO_BASE_URL", sandbox.baseUrl(), "KLAVIYO_API_KEY", KEY,
                "KLAVIYO_ENABLE", "true")).klaviyo();
        Jdbi.create(pg.jdbcUrl()).useHandle(h -> h.execute("delete from budget_windows"));
    }

    @AfterEach
    void stop() {
        processes.forEach(KlaviyoAccess::close);
        sandbox.close();
    }

    /** One ksync process on the shared database; {@code dailyCap} 0 is Klaviyo's 225. */
    KlaviyoClient process(int dailyCap) {
        KlaviyoAccess access = new KlaviyoAccess(settings, id -> Optional.<Secret>empty(), clock, CallListener.NONE,
                new PostgresBudgetStore(Jdbi.create(pg.jdbcUrl())), dailyCap, clock.sleeper());
        processes.add(access);
        return access.client(Optional.empty(), Optional.empty());
    }

    FlowSyncReport flows(KlaviyoClient client, FlowSyncRequest req) {
        // the sync's "today" comes from the manual clock; ManualClock itself is UTC only
        FlowSync sync = new FlowSync(new FlowSync.Settings(Optional.empty(), 1_000_000), ReportQuota.budgets(),
                Clock.fixed(clock.instant(), ZoneOffset.UTC));
        return sync.run(req, SyncContext.direct(clock, client), new ReportSandbox.Capture(FlowSchema.HEADER));
    }

    long served(String operation) {
        var ops = sandbox.stats().get(KEY);
        return ops == null || !ops.containsKey(operation) ? 0 : ops.get(operation).requests();
    }

    LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    @Test
    void a_plan_past_what_is_left_today_is_refused_with_exact_numbers_before_any_call() {
        KlaviyoClient first = process(0);
        String metric = first.list(Listings.METRICS, Query.all()).filter(m -> "Placed Order".equals(m.name()))
                .findFirst().orElseThrow().id();
        int spent = 5;
        for (int i = 0; i < spent; i++) {
            first.flowValuesReport(ReportRequest.values(List.of("recipients"), Timeframe.key("yesterday"), metric));
        }

        // another process on the database: 225 − 5 = 220 left; a per-day plan of 221 days is refused, spending nothing
        KlaviyoClient second = process(0);
        assertThat(ReportQuota.budgets().remaining(second, "query_flow_values"))
                .isEqualTo(new ReportQuota.Allowance(ReportQuota.KLAVIYO_DAILY - spent, MIDNIGHT));
        FlowSyncRequest tooMany = FlowSyncRequest.builder().between(today().minusDays(221), today().minusDays(1))
                .reportStrategy(Strategy.PER_DAY_VALUES).build();
        assertThatThrownBy(() -> flows(second, tooMany)).isInstanceOfSatisfying(KsyncException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMITED);
            assertThat(e.code()).isEqualTo("report_quota_exhausted");
            assertThat(e.details()).containsEntry("planned", 221).containsEntry("remaining", 220)
                    .containsEntry("resetsAt", MIDNIGHT.toString());
            assertThat(e.retryAt()).contains(MIDNIGHT);
        });
        assertThat(served("query_flow_values")).isEqualTo(spent);

        // exactly what is left still plans
        ReportPlan fits = ReportPlanner.flows(new ReportWindow(today().minusDays(220), today()),
                Aggregation.PER_DAY, Strategy.PER_DAY_VALUES, 10, 1_000_000, ReportQuota.budgets(), second);
        assertThat(fits.reportCalls()).isEqualTo(220);
        // the series endpoint has its own quota, untouched
        assertThat(ReportQuota.budgets().remaining(second, "query_flow_series").remaining()).isEqualTo(225);
    }

    @Test
    void two_processes_on_one_database_never_pass_a_small_daily_quota_one_after_the_other() {
        int cap = 4;
        KlaviyoClient a = process(cap), b = process(cap);
        FlowSyncRequest twoCalls = FlowSyncRequest.builder().between(today().minusDays(100), today().minusDays(1)).build();
        FlowSyncRequest threeCalls = FlowSyncRequest.builder().between(today().minusDays(150), today().minusDays(1)).build();

        assertThat(flows(a, twoCalls).plan().reportCalls()).isEqualTo(2);
        assertThatThrownBy(() -> flows(b, threeCalls)).isInstanceOfSatisfying(KsyncException.class, e -> {
            assertThat(e.code()).isEqualTo("report_quota_exhausted");
            assertThat(e.details()).containsEntry("planned", 3).containsEntry("remaining", 2);
        });
        // B's calls wait for the minute A's two filled (2 a minute, counted for both): the wait is in its diagnostics
        FlowSyncReport second = flows(b, twoCalls);
        assertThat(second.plan().reportCalls()).isEqualTo(2);
        assertThat(second.calls().endpoint("query_flow_series").budgetWaitMs()).isGreaterThanOrEqualTo(30_000);
        assertThatThrownBy(() -> flows(a, FlowSyncRequest.builder().days(7).build()))
                .isInstanceOfSatisfying(KsyncException.class, e -> assertThat(e.details())
                        .containsEntry("planned", 1).containsEntry("remaining", 0));
        assertThat(served("query_flow_series")).isEqualTo(cap);
    }

    @Test
    void two_processes_planning_at_once_never_pass_a_small_daily_quota_together() throws Exception {
        int cap = 4;
        KlaviyoClient a = process(cap), b = process(cap);
        // both plans fit what is left when they are made (3 of 4); the shared windows stop the calls past the cap
        FlowSyncRequest threeCalls = FlowSyncRequest.builder().between(today().minusDays(150), today().minusDays(1)).build();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<FlowSyncReport>> runs = List.of(pool.submit(() -> flows(a, threeCalls)),
                    pool.submit(() -> flows(b, threeCalls)));
            int finished = 0;
            for (Future<FlowSyncReport> run : runs) {
                try {
                    run.get();
                    finished++;
                } catch (java.util.concurrent.ExecutionException e) {
                    // refused by the plan, or by the shared daily window mid-run: the same 429 answer either way
                    assertThat(e.getCause()).isInstanceOfSatisfying(KsyncException.class, k -> {
                        assertThat(k.kind()).isEqualTo(ErrorKind.RATE_LIMITED);
                        assertThat(k.code()).isEqualTo("report_quota_exhausted");
                        assertThat(k.retryAt()).contains(MIDNIGHT);
                    });
                }
            }
            assertThat(finished).isLessThanOrEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        long served = served("query_flow_series");
        assertThat(served).isLessThanOrEqualTo(cap);
        assertThat(ReportQuota.budgets().remaining(process(cap), "query_flow_series").remaining()).isEqualTo(cap - served);
    }
}
