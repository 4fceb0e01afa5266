package dev.ksync.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ksync.config.AppConfig;
import dev.ksync.config.Secret;
import dev.ksync.db.PostgresBudgetStore;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.Listings;
import dev.ksync.klaviyo.Query;
import dev.ksync.klaviyo.budget.ManualClock;
import dev.ksync.klaviyo.error.KlaviyoException;
import dev.ksync.klaviyo.report.ReportRequest;
import dev.ksync.klaviyo.report.Timeframe;
import dev.ksync.klaviyo.stats.CallListener;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.sandbox.SandboxServer;
import dev.ksync.db.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Issue 10, item 4: the reporting API's windows outlive a JVM and are shared by processes on one database. */
class KlaviyoAccessSharedBudgetTest {
    @RegisterExtension
    static final TestPostgres pg = new TestPostgres();

    static final String KEY = "pk_shared_budget_key_1";

    @Test
    void two_processes_on_one_database_share_the_daily_report_cap() throws Exception {
        // the sandbox does not limit, so only our budgets stand between the two processes and the cap
        try (SandboxServer sandbox = SandboxServer.start(SandboxOptions.defaults().withProfiles(20).withHistoryDays(5)
                .withApiKey(KEY).withRateLimits(RateLimitMode.OFF))) {
            AppConfig.KlaviyoSettings settings = AppConfig.load(Map.of("KLAVIYO_BASE_URL", sandbox.baseUrl(),
                    "KLAVIYO_API_KEY", KEY, "KLAVIYO_ENABLE", "true")).klaviyo();
            ManualClock clock = new ManualClock(Instant.parse("2026-03-01T00:00:00.300Z"));
            List<KlaviyoAccess> processes = List.of(process(settings, clock), process(settings, clock));
            List<KlaviyoClient> clients = processes.stream().map(p -> p.client(Optional.empty(), Optional.empty())).toList();
            String placedOrder = clients.get(0).list(Listings.METRICS, Query.all())
                    .filter(m -> "Placed Order".equals(m.name())).findFirst().orElseThrow().id();
            ReportRequest report = ReportRequest.values(List.of("recipients"), Timeframe.key("last_7_days"), placedOrder);

            // two report calls a minute (Klaviyo's steady limit), taking turns: the 225 a day are one account's
            int granted = 0;
            KlaviyoException.DailyCapReached capped = null;
            for (int i = 0; i < 300 && capped == null; i++) {
                try {
                    clients.get(i % 2).flowValuesReport(report);
                    granted++;
                } catch (KlaviyoException.DailyCapReached e) {
                    capped = e;
                }
                clock.advance(Duration.ofSeconds(30));
            }
            assertThat(granted).isEqualTo(225);
            assertThat(capped).isNotNull();
            assertThat(capped.resumeAt()).isEqualTo(Instant.parse("2026-03-02T00:00:00Z"));
            assertThatThrownBy(() -> clients.get(0).flowValuesReport(report)).isInstanceOf(KlaviyoException.DailyCapReached.class);
            assertThatThrownBy(() -> clients.get(1).flowValuesReport(report)).isInstanceOf(KlaviyoException.DailyCapReached.class);

            // a restarted process still sees the day's count
            KlaviyoAccess restarted = process(settings, clock);
            assertThatThrownBy(() -> restarted.client(Optional.empty(), Optional.empty()).flowValuesReport(report))
                    .isInstanceOf(KlaviyoException.DailyCapReached.class);

            List<String> budgets = Jdbi.create(pg.jdbcUrl()).withHandle(h ->
                    h.createQuery("select distinct budget from budget_windows").mapTo(String.class).list());
            assertThat(budgets).isNotEmpty().allSatisfy(b -> {
                assertThat(b).doesNotContain(KEY).doesNotContain("shared_budget");
                assertThat(b).matches("[0-9a-f]{32}/query_flow_values");
            });
            processes.forEach(KlaviyoAccess::close);
            restarted.close();
        }
    }

    private static KlaviyoAccess process(AppConfig.KlaviyoSettings settings, ManualClock clock) {
        return new KlaviyoAccess(settings, id -> Optional.<Secret>empty(), clock, CallListener.NONE,
                new PostgresBudgetStore(Jdbi.create(pg.jdbcUrl())));
    }
}
