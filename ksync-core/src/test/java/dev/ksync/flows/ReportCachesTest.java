package dev.ksync.flows;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ksync.campaigns.CampaignSchema;
import dev.ksync.campaigns.CampaignSync;
import dev.ksync.campaigns.CampaignSyncReport;
import dev.ksync.campaigns.CampaignSyncRequest;
import dev.ksync.db.PostgresReportCache;
import dev.ksync.db.TestPostgres;
import dev.ksync.flows.FlowCatalog.FlowInfo;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.reporting.ReportCache;
import dev.ksync.reporting.ReportQuota;
import dev.ksync.reporting.ReportSandbox;
import dev.ksync.sync.SyncContext;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11: what flow and campaign syncs learn of an account is kept in PostgreSQL, so a rerun spends no call on it:
 * walked flows (valid for the flow's {@code updated} time), the conversion metric, list and segment names. Calls
 * are counted on the sandbox's side (GET /__sandbox/stats).
 */
class ReportCachesTest {
    @RegisterExtension
    static final TestPostgres pg = new TestPostgres();

    static ReportSandbox fx;
    static final ReportQuota FULL = ReportQuota.fixed(ReportQuota.KLAVIYO_DAILY, null);
    ReportCache cache;
    Jdbi jdbi;

    @BeforeAll
    static void start() {
        fx = new ReportSandbox(800);
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    @BeforeEach
    void fresh() {
        jdbi = Jdbi.create(pg.jdbcUrl());
        jdbi.useHandle(h -> h.execute("delete from report_caches"));
        cache = new PostgresReportCache(jdbi);
        fx.resetStats();
    }

    FlowSyncReport flows(FlowSyncRequest req, ReportSandbox.Capture csv) {
        FlowSync sync = new FlowSync(new FlowSync.Settings(Optional.empty(), 1_000_000), FULL, cache, fx.clock);
        return sync.run(req, SyncContext.direct(fx.clock, fx.client()), csv);
    }

    CampaignSyncReport campaigns(CampaignSyncRequest req, ReportSandbox.Capture csv) {
        CampaignSync sync = new CampaignSync(new CampaignSync.Settings(Optional.empty()), FULL, cache, fx.clock);
        return sync.run(req, SyncContext.direct(fx.clock, fx.client()), csv);
    }

    String accountId() {
        return fx.client().account().id();
    }

    @Test
    void a_walked_flow_is_not_walked_again_until_its_updated_time_changes() {
        KlaviyoClient client = fx.client();
        String account = accountId();
        List<FlowInfo> two = FlowCatalog.unarchived(client).values().stream().limit(2).toList();
        fx.resetStats();

        FlowWalks first = new FlowWalks(cache, account, fx.clock);
        List<List<FlowCatalog.MessageInfo>> walked = two.stream().map(f -> first.walk(client, f.id(), f)).toList();
        assertThat(fx.stats()).containsEntry("get_actions_for_flow", 2L);
        assertThat(first.fetched()).hasSize(2);
        assertThat(walked).allSatisfy(ms -> assertThat(ms).isNotEmpty());

        // a later run (any process on the database): the same messages, no call
        fx.resetStats();
        FlowWalks second = new FlowWalks(cache, account, fx.clock);
        assertThat(two.stream().map(f -> second.walk(client, f.id(), f)).toList()).isEqualTo(walked);
        assertThat(fx.stats()).doesNotContainKeys("get_actions_for_flow", "get_flow_action_messages");
        assertThat(second.fetched()).isEmpty();
        assertThat(second.cached()).hasSize(2);

        // the flow changed on Klaviyo: walked again
        FlowInfo f = two.getFirst();
        FlowInfo changed = new FlowInfo(f.id(), f.name(), f.status(), f.archived(), f.tags(), f.messages(),
                f.updated().plusSeconds(60));
        new FlowWalks(cache, account, fx.clock).walk(client, f.id(), changed);
        assertThat(fx.stats()).containsEntry("get_actions_for_flow", 1L);
    }

    @Test
    void a_second_flows_run_walks_no_flow_and_looks_up_no_metric() {
        FlowSyncRequest req = FlowSyncRequest.builder().days(30).includeDrafts(true).enrichMessageNames(true).build();
        ReportSandbox.Capture firstCsv = new ReportSandbox.Capture(FlowSchema.HEADER);
        FlowSyncReport first = flows(req, firstCsv);
        assertThat(fx.stats()).containsEntry("get_metrics", 1L);
        assertThat(first.conversionMetric().source()).isEqualTo("metrics");

        fx.resetStats();
        ReportSandbox.Capture secondCsv = new ReportSandbox.Capture(FlowSchema.HEADER);
        FlowSyncReport second = flows(req, secondCsv);
        Map<String, Long> calls = fx.stats();
        assertThat(calls).doesNotContainKeys("get_actions_for_flow", "get_flow_action_messages", "get_metrics");
        assertThat(second.conversionMetric().id()).isEqualTo(first.conversionMetric().id());
        assertThat(second.conversionMetric().source()).isEqualTo("cache");
        assertThat(second.diagnostics(false)).extractingByKey("conversionMetric").asString().contains("cached");
        assertThat(secondCsv.text()).isEqualTo(firstCsv.text());

        // keyed by Klaviyo's account id, never by the API key
        List<String> accounts = jdbi.withHandle(h -> h.createQuery("select distinct account from report_caches")
                .mapTo(String.class).list());
        assertThat(accounts).containsExactly(accountId());
    }

    @Test
    void a_second_campaigns_run_looks_up_no_audience_name_and_no_metric() {
        LocalDate today = LocalDate.now(fx.clock);
        CampaignSyncRequest req = CampaignSyncRequest.builder().between(today.minusDays(365), today.minusDays(1)).build();
        ReportSandbox.Capture firstCsv = new ReportSandbox.Capture(CampaignSchema.HEADER);
        campaigns(req, firstCsv);
        Map<String, Long> firstCalls = fx.stats();
        assertThat(firstCalls.getOrDefault("get_lists", 0L) + firstCalls.getOrDefault("get_segments", 0L)).isPositive();
        assertThat(firstCalls).containsEntry("get_metrics", 1L);

        fx.resetStats();
        ReportSandbox.Capture secondCsv = new ReportSandbox.Capture(CampaignSchema.HEADER);
        campaigns(req, secondCsv);
        assertThat(fx.stats()).doesNotContainKeys("get_lists", "get_segments", "get_metrics");
        assertThat(secondCsv.text()).isEqualTo(firstCsv.text());
        assertThat(secondCsv.rows()).anySatisfy(row -> assertThat(row.get("Audiences")).isNotEmpty());
    }
}
