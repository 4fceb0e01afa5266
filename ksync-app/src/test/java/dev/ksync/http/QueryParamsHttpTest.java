package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every route that reads query parameters checks them the same way ({@link QueryParams}): a name it does not take is
 * 400 {@code unknown_parameter} naming it and the allowed ones; a bad value is 400 {@code invalid_<name>} naming the
 * parameter and what is allowed.
 */
class QueryParamsHttpTest {
    private static final String SECRET = "query-secret";
    private static final ObjectMapper json = new ObjectMapper();

    @RegisterExtension
    static final TestRig rig = TestRig.api().secret(SECRET);

    private static HttpResponse<String> call(String method, String path) throws Exception {
        return method.equals("POST") ? rig.server().post(path, SECRET, "") : rig.server().get(path, SECRET);
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
            "GET  | /api/ingest/log?lmit=5                            | lmit     | accountId,limit"})
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
}
