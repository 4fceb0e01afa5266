package dev.ksync.klaviyo.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ksync.klaviyo.ApiKey;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.KlaviyoClientConfig;
import dev.ksync.klaviyo.budget.ManualClock;
import dev.ksync.klaviyo.endpoint.ReportLimits;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.sandbox.SandboxServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The client plans no report the sandbox would refuse: every series interval and values report at the boundaries
 * and with every named timeframe. What the client builds, it sends and the sandbox answers 200; what it refuses, it
 * never sends, and the sandbox, asked directly, answers 400 (custom timeframes: with the same sentence).
 */
class ReportLimitsAgreeWithSandboxTest {
    static final String KEY = "pk_sandbox_limits";
    static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    static final ObjectMapper JSON = new ObjectMapper();

    record Case(String interval, Timeframe timeframe) {}

    static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        List<String> intervals = new ArrayList<>();
        for (ReportLimits.Interval i : ReportLimits.Interval.values()) intervals.add(i.wire());
        intervals.add(null); // a values report
        String[][] custom = {
                {"2026-11-01T00:00:00Z", "2026-11-08T00:00:00Z"}, {"2026-11-01T00:00:00Z", "2026-11-08T00:00:01Z"},
                {"2026-09-01T00:00:00Z", "2026-10-31T00:00:00Z"}, {"2026-09-01T00:00:00Z", "2026-10-31T00:00:01Z"},
                {"2025-11-20T00:00:00Z", "2026-11-19T00:00:00Z"}, {"2025-11-20T00:00:00Z", "2026-11-19T00:00:01Z"},
                {"2025-11-20T00:00:00Z", "2026-11-20T00:00:00Z"}, {"2025-11-20T00:00:00Z", "2026-11-20T00:00:01Z"},
                {"2025-03-01T00:00:00Z", "2026-03-01T00:00:00Z"}, {"2023-06-01T00:00:00Z", "2024-06-01T00:00:00Z"},
                {"2024-06-01T00:00:00Z", "2025-06-02T00:00:00Z"}};
        for (String interval : intervals) {
            for (String[] c : custom) out.add(new Case(interval, Timeframe.between(Instant.parse(c[0]), Instant.parse(c[1]))));
            for (String key : ReportLimits.KEY_LONGEST_DAYS.keySet()) out.add(new Case(interval, Timeframe.key(key)));
        }
        return out;
    }

    @Test
    void the_client_refuses_every_report_the_sandbox_refuses_and_sends_nothing_for_it() throws Exception {
        SandboxOptions options = SandboxOptions.defaults().withSeed(3).withProfiles(200).withHistoryDays(30).withApiKey(KEY)
                .withRateLimits(RateLimitMode.OFF);
        try (SandboxServer sandbox = SandboxServer.start(options, Clock.fixed(NOW, ZoneOffset.UTC))) {
            ManualClock clock = new ManualClock(NOW); // report budgets (2/min) advance it instead of sleeping
            KlaviyoClient client = KlaviyoClient.builder(KlaviyoClientConfig.of(URI.create(sandbox.baseUrl())), ApiKey.of(KEY))
                    .clock(clock).sleeper(clock.sleeper()).build();
            String metric = sandbox.data().metricNamed("Placed Order").id();
            HttpClient http = HttpClient.newHttpClient();
            int built = 0, refused = 0, refusedByBoth = 0;
            for (Case c : cases()) {
                ReportRequest request;
                try {
                    request = new ReportRequest(List.of("recipients"), c.timeframe(), metric, List.of(), null, c.interval());
                } catch (ReportRefused e) {
                    refused++;
                    HttpResponse<String> answer = post(http, sandbox.baseUrl(), c, metric);
                    if (answer.statusCode() == 400) {
                        refusedByBoth++;
                        if (c.timeframe().key() == null) {
                            assertThat(JSON.readTree(answer.body()).at("/errors/0/detail").asText()).as(c.toString()).isEqualTo(e.rule());
                        }
                    } else {
                        // only a key whose window is short today may pass the sandbox: the client plans for every day
                        assertThat(c.timeframe().key()).as(c + " refused by the client only: " + answer.body()).isNotNull();
                        assertThat(answer.statusCode()).isEqualTo(200);
                    }
                    continue;
                }
                built++;
                if (c.interval() == null) assertThat(client.flowValuesReport(request)).as(c.toString()).isNotNull();
                else assertThat(client.flowSeriesReport(request).days()).as(c.toString()).isNotEmpty();
            }
            // every built request was sent once and answered 200 (a 400 would have thrown); refused ones sent nothing
            assertThat(client.callStats().total().calls()).isEqualTo(built);
            assertThat(client.callStats().total().failures()).isZero();
            assertThat(built).isGreaterThan(30);
            assertThat(refusedByBoth).isGreaterThan(20);
            assertThat(refused - refusedByBoth).as("keys the client refuses for safety").isLessThan(6);
        }
    }

    private static HttpResponse<String> post(HttpClient http, String base, Case c, String metric) throws Exception {
        ObjectNode attrs = JSON.createObjectNode();
        attrs.putArray("statistics").add("recipients");
        ObjectNode tf = attrs.putObject("timeframe");
        if (c.timeframe().key() != null) tf.put("key", c.timeframe().key());
        else tf.put("start", c.timeframe().start().toString()).put("end", c.timeframe().end().toString());
        if (c.interval() != null) attrs.put("interval", c.interval());
        attrs.put("conversion_metric_id", metric);
        ObjectNode body = JSON.createObjectNode();
        body.putObject("data").put("type", c.interval() == null ? "flow-values-report" : "flow-series-report").set("attributes", attrs);
        String path = c.interval() == null ? "/api/flow-values-reports" : "/api/flow-series-reports";
        return http.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Klaviyo-API-Key " + KEY).header("revision", "2026-07-15")
                .header("Content-Type", "application/vnd.api+json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
    }
}
