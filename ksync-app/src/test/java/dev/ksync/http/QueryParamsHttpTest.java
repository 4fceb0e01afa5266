package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every route checks its query parameters the same way ({@link ApiRoutes}, {@link QueryParams}), before its handler
 * runs: a name it does not take is 400 {@code unknown_parameter} naming it and the allowed ones (none, for a route
 * whose input is its path or body); a bad value is 400 {@code invalid_<name>} naming the parameter and what is allowed.
 * Pages ignore the query.
 */
class QueryParamsHttpTest {
    private static final String SECRET = "query-secret";
    private static final ObjectMapper json = new ObjectMapper();

    @RegisterExtension
    static final TestRig rig = TestRig.api().secret(SECRET);

    /** Path parameters filled in so that the path itself is valid: only the query can be wrong. */
    private static final Map<String, String> PATH_VALUES = Map.of("{client_id}", "shop", "{accountId}", "shop",
            "{id}", "1", "{name}", "flows.csv", "{asset}", "swagger-ui.css");

    private static HttpResponse<String> call(String method, String path) throws Exception {
        return call(method, path, SECRET, "");
    }

    private static HttpResponse<String> call(String method, String path, String secret, String body) throws Exception {
        HttpRequest.BodyPublisher content = body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        HttpRequest.Builder b = HttpRequest.newBuilder(rig.server().uri(path)).method(method, content)
                .header("content-type", "application/json");
        if (secret != null) {
            b.header(AdminGate.HEADER, secret);
        }
        return rig.server().send(b);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "POST | /api/backfill/start/shop?yeers=1                  | yeers    | include_orders,test_mode,years",
            "GET  | /api/backfill/status?verbose=1                    | verbose  | ''",
            "GET  | /api/backfill/data/shop/orders?date=2024-12-01&n=1 | n       | date,limit",
            "GET  | /api/backfill/data/shop/orders.csv?begin=2024-01-01 | begin  | end,start",
            "GET  | /api/accounts/shop/dashboard?from=2024-01-01       | from     | end,start",
            "GET  | /api/snapshots?acountId=shop                      | acountId | accountId",
            "GET  | /api/ingest/log?lmit=5                            | lmit     | accountId,limit",
            // routes whose input is their path or body: any name is unknown
            "POST   | /api/klaviyo/audience-sync?acountId=shop        | acountId | ''",
            "POST   | /api/klaviyo/flow-sync?mode=live                | mode     | ''",
            "POST   | /api/klaviyo/campaign-sync?days=7               | days     | ''",
            "POST   | /api/cleanup?dryRun=false                       | dryRun   | ''",
            "GET    | /api/accounts?enabled=true                      | enabled  | ''",
            "POST   | /api/accounts?id=shop                           | id       | ''",
            "PATCH  | /api/accounts/shop?enabled=false                | enabled  | ''",
            "DELETE | /api/accounts/shop?force=1                      | force    | ''",
            "GET    | /api/schedules?name=nightly                     | name     | ''",
            "GET    | /api/snapshots/1?series=0                       | series   | ''",
            "GET    | /api/snapshots/1/files/flows.csv?download=1     | download | ''",
            "POST   | /api/snapshots/process?snapshotId=1             | snapshotId | ''",
            "POST   | /api/ingest?mode=inc                            | mode     | ''",
            "POST   | /api/backfill/start-all?years=2                 | years    | ''",
            // ?token= is taken where the gate reads it (cron GET), and only there
            "POST   | /api/dashboard/update?token=x                   | token    | idempotency",
            "GET    | /api/dashboard/update?acountId=shop             | acountId"
                    + " | accountId,audienceSchema,days,fast,idempotency,mode,timeframeKey,token"})
    void a_parameter_the_route_does_not_take_is_unknown_parameter_naming_it_and_the_allowed_ones(String method,
            String path, String name, String allowed) throws Exception {
        HttpResponse<String> r = call(method, path);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode e = json.readTree(r.body());
        assertThat(e.path("error").asText()).isEqualTo("unknown_parameter");
        assertThat(texts(e.path("details").path("parameters"))).containsExactly(name);
        List<String> expected = allowed.isEmpty() ? List.of() : List.of(allowed.split(","));
        assertThat(texts(e.path("details").path("allowed"))).isEqualTo(expected);
        assertThat(e.path("message").asText()).contains(name).contains(expected.isEmpty() ? "none" : expected.get(0));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "GET  | /api/ingest/log?limit=0                             | limit     | a whole number from 1 to 10000",
            "GET  | /api/backfill/data/shop/orders?date=2024-12-01&limit=x | limit  | a whole number from 1 to 1000",
            "POST | /api/backfill/start/shop?years=0                    | years     | a whole number from 1 to",
            "POST | /api/backfill/start/shop?test_mode=maybe            | test_mode | true, false, 1 or 0"})
    void a_bad_value_is_invalid_naming_the_parameter_and_what_is_allowed(String method, String path, String name,
            String allowed) throws Exception {
        HttpResponse<String> r = call(method, path);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode e = json.readTree(r.body());
        assertThat(e.path("error").asText()).isEqualTo("invalid_" + name);
        assertThat(e.path("details").path("field").asText()).isEqualTo(name);
        assertThat(e.path("details").path("allowed").asText()).startsWith(allowed);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "GET  | /api/dashboard/update?mode=live&mode=dry-run&token=" + SECRET + " | mode",
            "GET  | /api/backfill/data/shop/orders?date=2024-12-01&limit=5&limit=500 | limit",
            "GET  | /api/accounts/shop/dashboard?start=2024-01-01&start=2024-02-01    | start",
            "POST | /api/backfill/start/shop?years=1&years                           | years",
            "GET  | /api/ingest/log?limit=5&limit=5                                  | limit"})
    void a_parameter_given_twice_is_duplicate_parameter_naming_it_rather_than_taking_the_first(String method,
            String path, String name) throws Exception {
        HttpResponse<String> r = call(method, path, path.contains("token=") ? null : SECRET, "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode e = json.readTree(r.body());
        assertThat(e.path("error").asText()).isEqualTo("duplicate_parameter");
        assertThat(e.path("details").path("parameter").asText()).isEqualTo(name);
        assertThat(e.path("message").asText()).contains(name).contains("more than once");
        assertThat(r.body()).doesNotContain(SECRET);
    }

    @Test
    void a_token_given_twice_is_refused_by_the_gate_without_echoing_either() throws Exception {
        // which one is the secret? neither is tried, so a second guess cannot ride along with the first
        HttpResponse<String> r = call("GET", "/api/dashboard/update?token=" + SECRET + "&token=guess", null, "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode e = json.readTree(r.body());
        assertThat(e.path("error").asText()).isEqualTo("duplicate_parameter");
        assertThat(e.path("details").path("parameter").asText()).isEqualTo("token");
        assertThat(r.body()).doesNotContain(SECRET, "guess");
    }

    @Test
    void a_long_bad_value_is_echoed_cut_short() throws Exception {
        HttpResponse<String> r = call("GET", "/api/ingest/log?limit=" + "9".repeat(60));
        JsonNode e = json.readTree(r.body());
        assertThat(e.path("error").asText()).isEqualTo("invalid_limit");
        assertThat(e.path("details").path("value").asText()).hasSize(21).endsWith("…");
    }

    @Test
    void an_empty_flag_reads_as_absent_so_the_request_gets_past_the_query_check() throws Exception {
        // the check passes; the start then needs Klaviyo, which this server has off
        HttpResponse<String> r = call("POST", "/api/backfill/start/shop?include_orders=&test_mode=1&years=1");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(501);
        assertThat(json.readTree(r.body()).path("error").asText()).isEqualTo("klaviyo_disabled");
    }

    @Test
    void every_route_but_the_pages_refuses_a_name_it_does_not_take_so_none_can_skip_the_check() throws Exception {
        List<String> problems = new ArrayList<>();
        for (HttpApi.Route r : HttpApi.routes(rig.server().app)) {
            if (r.query().ignored()) {
                continue;
            }
            HttpResponse<String> a = call(r.method().name(), concrete(r.path()) + "?not_a_parameter=1");
            // a HEAD answer has no body: its status is GET's
            boolean refused = a.statusCode() == 400 && (r.method() == HandlerType.HEAD
                    || json.readTree(a.body()).path("error").asText().equals("unknown_parameter"));
            if (!refused) {
                problems.add(r.method() + " " + r.path() + " answered " + a.statusCode() + " " + a.body());
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void pages_ignore_the_query_a_browser_or_cache_buster_adds() throws Exception {
        List<String> pages = HttpApi.routes(rig.server().app).stream().filter(r -> r.query().ignored())
                .filter(r -> r.method() == HandlerType.GET).map(HttpApi.Route::path).toList();
        assertThat(pages).containsExactlyInAnyOrder("/", "/docs", "/docs/{asset}", "/openapi.json", "/health",
                "/ready", "/metrics");
        for (String page : pages) {
            HttpResponse<String> r = rig.server().get(concrete(page) + "?v=1700000000&utm_source=mail", null);
            assertThat(r.statusCode()).as(page).isEqualTo(200);
        }
        assertThat(rig.server().get("/static/backfill_manager.html?v=2", null).statusCode()).isEqualTo(200);
    }

    /** A valid request to a route that takes no query parameters, and what it answers here. */
    record Valid(String method, String path, String body, int status) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static Stream<Valid> validRequests() {
        return Stream.of(
                new Valid("GET", "/api/schedules", "", 200),
                new Valid("GET", "/api/accounts", "", 200),
                new Valid("GET", "/health", "", 200),
                new Valid("GET", "/api/snapshots/424242", "", 404),
                new Valid("POST", "/api/cleanup", "{}", 200),
                new Valid("POST", "/api/klaviyo/audience-sync", "{\"profiles\": []}", 200),
                // gated work: past the query check and the gate, refused only because Klaviyo is off here
                new Valid("POST", "/api/klaviyo/flow-sync", "{}", 501),
                new Valid("POST", "/api/ingest", "{\"mode\": \"inc\"}", 501));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validRequests")
    void a_valid_request_to_a_route_that_takes_no_parameters_still_works(Valid v) throws Exception {
        HttpResponse<String> r = call(v.method(), v.path(), SECRET, v.body());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(v.status());
    }

    @Test
    void the_cron_get_takes_the_secret_as_token_and_its_own_parameters() throws Exception {
        // no header: the gate lets the token in, the query check takes it; then Klaviyo, off here, stops the run
        HttpResponse<String> r = call("GET", "/api/dashboard/update?token=" + SECRET + "&mode=dry-run&days=2", null,
                "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(501);
        assertThat(json.readTree(r.body()).path("error").asText()).isEqualTo("klaviyo_disabled");
        HttpResponse<String> wrong = call("GET", "/api/dashboard/update?token=wrong", null, "");
        assertThat(wrong.statusCode()).as(wrong.body()).isEqualTo(401);
    }

    @Test
    void a_route_registered_around_api_routes_stops_the_start() {
        Javalin raw = Javalin.create(c -> c.routes.get("/raw", ctx -> ctx.result("ok"), Access.OPEN));
        assertThatThrownBy(() -> HttpApi.requireDeclarations(raw.unsafe.internalRouter))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("GET /raw")
                .hasMessageContaining("ApiRoutes");
    }

    private static String concrete(String path) {
        String out = path;
        for (Map.Entry<String, String> v : PATH_VALUES.entrySet()) {
            out = out.replace(v.getKey(), v.getValue());
        }
        return out;
    }
}
