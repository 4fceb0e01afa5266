package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Flow Sync runbook's curl examples sent as written, and campaign sync, against ksync's API pointed at a
 * sandbox with Klaviyo's limits scaled 60 times down; Klaviyo calls are counted on the sandbox's side.
 */
class ReportSyncHttpTest {
    private static final String SECRET = "runbook-secret";
    private static final ObjectMapper json = new ObjectMapper();
    /** The runbook's header, as it writes it. */
    static final String FLOW_HEADER = "Day, Flow ID, Flow Name, Flow Message ID, Flow Message Name, Flow Message Channel,"
            + " Status, Delivered, Unique Opens, Open Rate, Unique Clicks, Click Rate, Placed Order, Placed Order Rate,"
            + " Revenue, Revenue per Recipient, Unsub Rate, Complaint Rate, Bounce Rate, Tags";
    /** PRODUCT.md §4's header. */
    static final String CAMPAIGN_HEADER = "Day, Campaign ID, Campaign Name, Campaign Message ID, Subject, Channel, Status,"
            + " Send Time, Audiences, Recipients, Delivered, Unique Opens, Open Rate, Unique Clicks, Click Rate,"
            + " Placed Order, Placed Order Rate, Revenue, Revenue per Recipient, Unsubscribes, Unsub Rate,"
            + " Spam Complaints, Complaint Rate, Bounces, Bounce Rate, Tags";

    @RegisterExtension
    static final TestRig rig = TestRig.api().secret(SECRET).env("KLAVIYO_RATE_SCALE", "60")
            .sandbox(SandboxOptions.defaults().withProfiles(1500).withRateLimits(RateLimitMode.scaled(60)));
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void fresh() {
        rig.sandbox().resetStats();
    }

    /** Operation id → requests the sandbox answered (429s included), read from its GET /__sandbox/stats. */
    static Map<String, Long> stats() throws Exception {
        return counts(false);
    }

    /**
     * Operation id → reports Klaviyo actually served (requests less 429s): what a quota is spent on. A throttled
     * answer, which a loaded test machine can provoke at the shortened test limits, costs a retry, not a report.
     */
    static Map<String, Long> served() throws Exception {
        return counts(true);
    }

    private static Map<String, Long> counts(boolean lessThrottled) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(rig.sandbox().baseUrl() + "/__sandbox/stats"))
                .build(), HttpResponse.BodyHandlers.ofString());
        Map<String, Long> out = new TreeMap<>();
        json.readTree(r.body()).path("keys").path("pk_sandbox").properties()
                .forEach(e -> out.put(e.getKey(), e.getValue().path("requests").asLong()
                        - (lessThrottled ? e.getValue().path("throttled").asLong() : 0)));
        return out;
    }

    static long total(Map<String, Long> stats) {
        return stats.values().stream().mapToLong(Long::longValue).sum();
    }

    static JsonNode ok(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }

    @Test
    void runbook_dry_run_json_for_the_last_7_days_answers_rows_days_flows_sample_preview_and_diagnostics() throws Exception {
        JsonNode b = ok(rig.server().post("/api/klaviyo/flow-sync", SECRET, """
                {
                    "mode": "dry-run",
                    "format": "json",
                    "days": 7,
                    "limitFlows": 20,
                    "enrichMessageNames": true
                  }"""));
        assertThat(b.properties().stream().map(Map.Entry::getKey).toList())
                .containsExactly("mode", "rows", "days", "flows", "sample", "csvPreview", "diagnostics");
        assertThat(b.get("mode").asText()).isEqualTo("dry-run");
        assertThat(b.get("days").asInt()).isEqualTo(7);
        assertThat(b.get("rows").asLong()).isPositive();
        assertThat(b.get("flows").asInt()).isBetween(1, 20);
        assertThat(b.get("csvPreview").get(0).asText()).isEqualTo(FLOW_HEADER.replace(", ", ","));
        assertThat(b.get("sample").size()).isBetween(1, 5);
        assertThat(b.get("sample").get(0).properties().stream().map(Map.Entry::getKey).toList())
                .containsExactlyElementsOf(List.of(FLOW_HEADER.split(", ")));
        JsonNode d = b.get("diagnostics");
        assertThat(d.get("timezone").asText()).isEqualTo(rig.sandbox().data().timezone().getId());
        assertThat(d.get("conversionMetric").get("how").asText()).contains("Placed Order");
        assertThat(d.get("plan").get("aggregation").asText()).isEqualTo("per-day");
        assertThat(d.get("plan").get("reportCalls").asInt()).isEqualTo(1);
        assertThat(d.get("klaviyoCalls").get("endpoints").get("query_flow_series").get("calls").asInt()).isEqualTo(1);
        assertThat(d.get("klaviyoCalls").get("endpoints").get("query_flow_series").has("throttled")).isTrue();
        assertThat(d.has("budgetWaitMs")).isTrue();
        assertThat(d.get("plans").findValuesAsText("decision")).contains("aggregation", "reportStrategy");
        assertThat(d.get("klaviyoCalls").get("total").get("calls").asLong()).isEqualTo(total(stats()));
    }

    @Test
    void runbook_csv_range_example_streams_the_exact_header_and_only_the_asked_days() throws Exception {
        HttpResponse<String> r = rig.server().post("/api/klaviyo/flow-sync", SECRET, """
                {
                    "mode": "dry-run",
                    "format": "csv",
                    "start": "2025-09-01",
                    "end": "2025-09-05",
                    "limitFlows": 10
                  }""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/csv"));
        assertThat(r.body()).startsWith(FLOW_HEADER.replace(", ", ",") + "\r\n");
        List<String> lines = List.of(r.body().split("\r\n"));
        assertThat(lines.size()).isGreaterThan(1);
        assertThat(lines.subList(1, lines.size())).allSatisfy(l -> assertThat(l.substring(0, 10))
                .isBetween("2025-09-01", "2025-09-05"));
    }

    @Test
    void runbook_live_write_lands_in_the_flow_staging_bucket() throws Exception {
        JsonNode b = ok(rig.server().post("/api/klaviyo/flow-sync", SECRET, """
                {
                    "mode": "live",
                    "format": "json",
                    "accountId": "acc_canary_1",
                    "uploadId": "2025-09-17T01-00-00Z",
                    "days": 7,
                    "limitFlows": 20,
                    "enrichMessageNames": true
                  }"""));
        assertThat(b.properties().stream().map(Map.Entry::getKey).toList())
                .containsExactly("mode", "rows", "bucket", "key", "bytes", "sha256", "diagnostics");
        assertThat(b.get("mode").asText()).isEqualTo("live");
        assertThat(b.get("bucket").asText()).isEqualTo("flow-staging");
        assertThat(b.get("key").asText()).isEqualTo("acc_canary_1/2025-09-17T01-00-00Z/flows.csv");
        Path file = rig.dataDir().resolve("buckets/flow-staging/acc_canary_1/2025-09-17T01-00-00Z/flows.csv");
        byte[] bytes = Files.readAllBytes(file);
        assertThat(b.get("bytes").asLong()).isEqualTo(bytes.length);
        assertThat(b.get("sha256").asText())
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        assertThat(b.get("rows").asLong()).isEqualTo(Files.readAllLines(file).size() - 1).isPositive();
    }

    @Test
    void a_year_of_flows_costs_at_most_7_report_calls_and_12_in_all_and_a_second_run_walks_no_flow() throws Exception {
        JsonNode b = ok(rig.server().post("/api/klaviyo/flow-sync", SECRET, "{\"days\": 365, \"enrichMessageNames\": true}"));
        Map<String, Long> calls = served();
        assertThat(calls.getOrDefault("query_flow_series", 0L)).as("%s", calls).isLessThanOrEqualTo(7);
        assertThat(total(calls)).as("%s", calls).isLessThanOrEqualTo(12);
        assertThat(b.get("rows").asLong()).isGreaterThan(1000);

        rig.sandbox().resetStats();
        ok(rig.server().post("/api/klaviyo/flow-sync", SECRET, "{\"days\": 365, \"enrichMessageNames\": true}"));
        assertThat(stats()).doesNotContainKeys("get_actions_for_flow", "get_flow_action_messages");
    }

    @Test
    void a_year_of_campaigns_costs_at_most_2_report_calls_and_10_in_all() throws Exception {
        JsonNode b = ok(rig.server().post("/api/klaviyo/campaign-sync", SECRET, "{\"timeframeKey\": \"last_365_days\"}"));
        Map<String, Long> calls = served();
        assertThat(calls.getOrDefault("query_campaign_values", 0L)).as("%s", calls).isLessThanOrEqualTo(2);
        assertThat(total(calls)).as("%s", calls).isLessThanOrEqualTo(10);
        assertThat(b.properties().stream().map(Map.Entry::getKey).toList())
                .containsExactly("mode", "rows", "campaigns", "sample", "csvPreview", "diagnostics");
        assertThat(b.get("rows").asLong()).isPositive();
        assertThat(b.get("csvPreview").get(0).asText()).isEqualTo(CAMPAIGN_HEADER.replace(", ", ","));
    }

    @Test
    void campaign_csv_streams_the_exact_header_and_live_writes_to_the_campaign_staging_bucket() throws Exception {
        HttpResponse<String> csv = rig.server().post("/api/klaviyo/campaign-sync", SECRET,
                "{\"format\": \"csv\", \"timeframeKey\": \"last_90_days\"}");
        assertThat(csv.statusCode()).as(csv.body()).isEqualTo(200);
        assertThat(csv.body()).startsWith(CAMPAIGN_HEADER.replace(", ", ",") + "\r\n");
        JsonNode live = ok(rig.server().post("/api/klaviyo/campaign-sync", SECRET,
                "{\"mode\": \"live\", \"accountId\": \"acc_canary_1\", \"uploadId\": \"u1\", \"timeframeKey\": \"last_90_days\"}"));
        assertThat(live.get("bucket").asText()).isEqualTo("campaign-staging");
        assertThat(live.get("key").asText()).isEqualTo("acc_canary_1/u1/campaigns.csv");
        assertThat(Files.readString(rig.dataDir().resolve("buckets/campaign-staging/acc_canary_1/u1/campaigns.csv")))
                .isEqualTo(csv.body());
    }

    @Test
    void legacy_per_day_values_past_the_daily_quota_answers_429_before_its_first_report_call() throws Exception {
        HttpResponse<String> r = rig.server().post("/api/klaviyo/flow-sync", SECRET,
                "{\"days\": 365, \"reportStrategy\": \"per-day-values\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
        JsonNode b = json.readTree(r.body());
        assertThat(b.get("error").asText()).isEqualTo("report_quota_exhausted");
        assertThat(b.get("details").get("planned").asInt()).isEqualTo(365);
        assertThat(b.get("details").get("remaining").asInt()).isLessThanOrEqualTo(225);
        // the daily report window's end, told as Retry-After too
        assertThat(java.time.Instant.parse(b.get("details").get("resetsAt").asText())).isAfter(java.time.Instant.now());
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        assertThat(stats()).doesNotContainKeys("query_flow_values", "query_flow_series");
    }

    /** Each field with a bad value: a 400 naming it, before any Klaviyo call. */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}: {1} {2}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', textBlock = """
            flow-sync     | mode               | {"mode": "yolo"}
            flow-sync     | format             | {"format": "xml"}
            flow-sync     | days               | {"days": 0}
            flow-sync     | days               | {"days": "7"}
            flow-sync     | days               | {"days": 1000}
            flow-sync     | start              | {"start": "2025-13-01", "end": "2025-09-05"}
            flow-sync     | end                | {"start": "2025-09-01"}
            flow-sync     | end                | {"start": "2025-09-05", "end": "2025-09-01"}
            flow-sync     | start              | {"accountId": "acme", "start": "+999999999-01-01", "end": "+999999999-01-02"}
            flow-sync     | start              | {"start": "1999-12-31", "end": "2000-01-02"}
            flow-sync     | end                | {"start": "2100-12-30", "end": "2101-01-01"}
            flow-sync     | timeframeKey       | {"timeframeKey": "last_2_days"}
            flow-sync     | timeframeKey       | {"days": 7, "timeframeKey": "last_7_days"}
            flow-sync     | limitFlows         | {"limitFlows": 0}
            flow-sync     | limitMessages      | {"limitMessages": -1}
            flow-sync     | enrichMessageNames | {"enrichMessageNames": "yes"}
            flow-sync     | aggregation        | {"aggregation": "weekly"}
            flow-sync     | conversionMetricId | {"conversionMetricId": "not an id!"}
            flow-sync     | includeDrafts      | {"includeDrafts": 1}
            flow-sync     | debug              | {"debug": "true"}
            flow-sync     | accountId          | {"accountId": "Bad Id"}
            flow-sync     | accountId          | {"mode": "live"}
            flow-sync     | uploadId           | {"uploadId": "../x"}
            flow-sync     | klaviyoApiKey      | {"klaviyoApiKey": 5}
            flow-sync     | reportStrategy     | {"reportStrategy": "hourly"}
            flow-sync     | overwrite          | {"overwrite": "no"}
            campaign-sync | mode               | {"mode": "yolo"}
            campaign-sync | format             | {"format": "xml"}
            campaign-sync | days               | {"days": 7}
            campaign-sync | start              | {"start": "yesterday", "end": "2025-09-05"}
            campaign-sync | start              | {"start": "-999999999-01-01", "end": "-999999999-01-02"}
            campaign-sync | timeframeKey       | {"timeframeKey": "forever"}
            campaign-sync | channel            | {"channel": "push"}
            campaign-sync | limitCampaigns     | {"limitCampaigns": 0}
            campaign-sync | conversionMetricId | {"conversionMetricId": ""}
            campaign-sync | accountId          | {"mode": "live"}
            campaign-sync | uploadId           | {"uploadId": ".."}
            campaign-sync | debug              | {"debug": 0}
            """)
    void a_bad_value_answers_400_naming_its_field(String route, String field, String body) throws Exception {
        HttpResponse<String> r = rig.server().post("/api/klaviyo/" + route, SECRET, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode b = json.readTree(r.body());
        assertThat(b.get("details").get("field").asText()).as(r.body()).isEqualTo(field);
        assertThat(b.get("message").asText()).contains(field).contains("allowed");
        assertThat(stats()).as("no Klaviyo call for a bad request").isEmpty();
    }

    @Test
    void an_unknown_field_answers_400_listing_the_allowed_ones() throws Exception {
        for (String route : List.of("flow-sync", "campaign-sync")) {
            HttpResponse<String> r = rig.server().post("/api/klaviyo/" + route, SECRET, "{\"limitflows\": 5}");
            assertThat(r.statusCode()).isEqualTo(400);
            JsonNode b = json.readTree(r.body());
            assertThat(b.get("error").asText()).isEqualTo("unknown_field");
            assertThat(b.get("details").get("fields").get(0).asText()).isEqualTo("limitflows");
        }
    }
}
