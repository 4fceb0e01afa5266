package dev.ksync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.accounts.KlaviyoAccess;
import dev.ksync.campaigns.CampaignSync;
import dev.ksync.campaigns.CampaignSyncRequest;
import dev.ksync.config.AppConfig;
import dev.ksync.config.Secret;
import dev.ksync.error.KsyncException;
import dev.ksync.flows.FlowSync;
import dev.ksync.flows.FlowSyncRequest;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.stats.CallStats;
import dev.ksync.reporting.ReportPlanner.Strategy;
import dev.ksync.reporting.ReportQuota;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.sandbox.SandboxServer;
import dev.ksync.sync.RowSink;
import dev.ksync.sync.SyncContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 11's benchmark: flows.csv and campaigns.csv over 30 and 365 days against a sandbox at Klaviyo's real limits
 * (report endpoints 1/s, 2/min, 225/day) and latency, flows with the {@code series} and the old
 * {@code per-day-values} strategy. Per run: Klaviyo calls by operation as the sandbox counted them
 * ({@code GET /__sandbox/stats}), report calls, budget wait, rows and wall time. Each run gets a fresh sandbox and
 * fresh budgets, so its windows start empty; a plan past the daily quota is refused before its first call.
 *
 * <p>Args: [runs, e.g. flows:series:30,flows:per-day-values:365,campaigns:series:365] [latencyMs] [profiles].
 * Prints one Markdown table row per run.
 */
public final class ReportSyncBench {
    static final String KEY = "pk_bench";
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> REPORTS = List.of("query_flow_series", "query_flow_values", "query_campaign_values");

    public static void main(String[] args) throws Exception {
        String runs = args.length > 0 ? args[0]
                : "flows:series:30,flows:series:365,flows:per-day-values:30,flows:per-day-values:365,campaigns:series:30,campaigns:series:365";
        int latency = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int profiles = args.length > 2 ? Integer.parseInt(args[2]) : 5000;
        System.out.printf("latency=%d ms, profiles=%d, rate limits real%n%n", latency, profiles);
        System.out.println("| file | days | strategy | outcome | rows | report calls | Klaviyo calls in all | calls by operation | budget wait | wall time |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (String run : runs.split(",")) {
            String[] p = run.split(":");
            System.out.println(run(p[0], p[1], Integer.parseInt(p[2]), latency, profiles));
        }
    }

    static String run(String file, String strategy, int days, int latency, int profiles) throws Exception {
        Clock clock = Clock.systemUTC();
        SandboxOptions o = SandboxOptions.defaults().withProfiles(profiles).withLatencyMs(latency)
                .withRateLimits(RateLimitMode.REAL).withApiKey(KEY);
        try (SandboxServer s = SandboxServer.start(o, clock)) {
            AppConfig.KlaviyoSettings settings = AppConfig.load(Map.of("KLAVIYO_BASE_URL", s.baseUrl(),
                    "KLAVIYO_API_KEY", KEY, "KLAVIYO_ENABLE", "true")).klaviyo();
            try (KlaviyoAccess access = new KlaviyoAccess(settings, id -> Optional.<Secret>empty(), clock)) {
                KlaviyoClient client = access.client(Optional.empty(), Optional.empty());
                Counting sink = new Counting();
                SyncContext context = SyncContext.direct(clock, client);
                long t0 = System.nanoTime();
                String outcome;
                try {
                    if (file.equals("flows")) {
                        FlowSyncRequest.Builder b = FlowSyncRequest.builder().days(days);
                        if (strategy.equals("per-day-values")) b.reportStrategy(Strategy.PER_DAY_VALUES);
                        new FlowSync(new FlowSync.Settings(Optional.empty(), 1_000_000), ReportQuota.budgets(), clock)
                                .run(b.build(), context, sink);
                    } else {
                        LocalDate today = LocalDate.now(clock);
                        new CampaignSync(new CampaignSync.Settings(Optional.empty()), ReportQuota.budgets(), clock)
                                .run(CampaignSyncRequest.builder().between(today.minusDays(days), today.minusDays(1)).build(),
                                        context, sink);
                    }
                    outcome = "ok";
                } catch (KsyncException e) {
                    outcome = e.code() + " " + e.details().entrySet().stream().filter(x -> !x.getKey().equals("endpoint"))
                            .map(x -> x.getKey() + "=" + x.getValue()).toList();
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                Map<String, Long> calls = served(s.baseUrl());
                long reports = REPORTS.stream().mapToLong(r -> calls.getOrDefault(r, 0L)).sum();
                long all = calls.values().stream().mapToLong(Long::longValue).sum();
                CallStats st = client.callStats();
                return String.format("| %s.csv | %d | %s | %s | %d | %d | %d | %s | %.1f s | %.1f s |", file, days,
                        file.equals("flows") ? strategy : "values by message", outcome, sink.rows.get(), reports, all,
                        calls, st.total().budgetWaitMs() / 1000.0, seconds);
            }
        }
    }

    /** Operation id → requests the sandbox served for the bench key (429s included). */
    static Map<String, Long> served(String baseUrl) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/__sandbox/stats")).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode ops = JSON.readTree(r.body()).path("keys").path(KEY);
            Map<String, Long> out = new TreeMap<>();
            ops.properties().forEach(e -> out.put(e.getKey(), e.getValue().path("requests").asLong()));
            return out;
        }
    }

    /** Counts rows; the bench measures calls, not CSV writing. */
    static final class Counting implements RowSink {
        final AtomicLong rows = new AtomicLong();

        @Override
        public void row(List<String> cells) {
            rows.incrementAndGet();
        }

        @Override
        public RowSink part(int index) {
            return this;
        }
    }
}
