package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.sandbox.SandboxServer;
import dev.ksync.db.TestPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** PRODUCT.md §1's gates and FLOW_ROW_BUDGET on the flow-sync and campaign-sync routes. */
class ReportSyncGateTest {
    private static final List<String> ROUTES = List.of("/api/klaviyo/flow-sync", "/api/klaviyo/campaign-sync");
    private static final ObjectMapper json = new ObjectMapper();

    @RegisterExtension
    static final TestPostgres pg = new TestPostgres();

    @TempDir
    Path dataDir;

    @Test
    void both_routes_answer_501_while_KLAVIYO_ENABLE_is_off() throws Exception {
        try (TestServer server = new TestServer(pg.jdbcUrl(), dataDir, Map.of("ADMIN_JOB_SECRET", "s"))) {
            for (String route : ROUTES) {
                HttpResponse<String> r = server.post(route, "s", "{}");
                assertThat(r.statusCode()).as(route).isEqualTo(501);
                assertThat(json.readTree(r.body()).get("error").asText()).isEqualTo("klaviyo_disabled");
            }
        }
    }

    @Test
    void both_routes_answer_401_without_the_right_admin_secret_or_with_none_configured() throws Exception {
        try (TestServer server = new TestServer(pg.jdbcUrl(), dataDir, Map.of("ADMIN_JOB_SECRET", "s",
                "KLAVIYO_ENABLE", "true"))) {
            for (String route : ROUTES) {
                assertThat(server.post(route, null, "{}").statusCode()).as(route).isEqualTo(401);
                assertThat(server.post(route, "wrong", "{}").statusCode()).as(route).isEqualTo(401);
                // auth comes from the headers: a malformed body does not change the answer
                assertThat(server.post(route, null, "{not json").statusCode()).as(route).isEqualTo(401);
            }
        }
        try (TestServer server = new TestServer(pg.jdbcUrl(), dataDir, Map.of("KLAVIYO_ENABLE", "true"))) {
            assertThat(server.post(ROUTES.getFirst(), "anything", "{}").statusCode()).isEqualTo(401);
        }
    }

    @Test
    void a_plan_past_FLOW_ROW_BUDGET_answers_422_before_any_report_call() throws Exception {
        try (SandboxServer sandbox = SandboxServer.start(SandboxOptions.defaults().withProfiles(500)
                .withRateLimits(RateLimitMode.OFF));
             TestServer server = new TestServer(pg.jdbcUrl(), dataDir, Map.of("ADMIN_JOB_SECRET", "s",
                     "KLAVIYO_ENABLE", "true", "KLAVIYO_BASE_URL", sandbox.baseUrl(), "KLAVIYO_API_KEY", "pk_sandbox",
                     "FLOW_ROW_BUDGET", "100"))) {
            HttpResponse<String> r = server.post(ROUTES.getFirst(), "s", "{\"days\": 365}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
            JsonNode b = json.readTree(r.body());
            assertThat(b.get("error").asText()).isEqualTo("row_budget_exceeded");
            assertThat(b.get("details").get("budget").asInt()).isEqualTo(100);
            assertThat(sandbox.stats().getOrDefault("pk_sandbox", new java.util.TreeMap<>()))
                    .doesNotContainKeys("query_flow_series", "query_flow_values");
        }
    }
}
