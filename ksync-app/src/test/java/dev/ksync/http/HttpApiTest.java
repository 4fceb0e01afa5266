package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.accounts.AccountId;
import dev.ksync.accounts.BackfillRows;
import dev.ksync.config.Secret;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

class HttpApiTest {
    private static final String SECRET = "admin-secret-for-tests";
    private static final ObjectMapper json = new ObjectMapper();

    @RegisterExtension
    static final TestRig rig = TestRig.api().secret(SECRET)
            .env("KSYNC_MAX_BODY_BYTES", Long.toString(10L * 1024 * 1024));
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void captureLogs() {
        rig.pg().database().jdbi().useHandle(h -> h.execute("delete from accounts"));
        logs.start();
        root().addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        root().detachAppender(logs);
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    @Test
    void GET_health_and_ready_answer_200() throws Exception {
        assertThat(rig.server().get("/health", null).statusCode()).isEqualTo(200);
        HttpResponse<String> ready = rig.server().get("/ready", null);
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(json.readTree(ready.body()).get("database").asText()).isEqualTo("ok");
    }

    @Test
    void admin_routes_without_or_with_a_wrong_secret_answer_401_json() throws Exception {
        for (String secret : new String[] {null, "wrong", SECRET + "x", ""}) {
            HttpResponse<String> r = rig.server().get("/api/accounts", secret);
            assertThat(r.statusCode()).as("secret %s", secret).isEqualTo(401);
            assertThat(error(r)).isEqualTo("unauthorized");
        }
        HttpResponse<String> add = rig.server().post("/api/accounts", "wrong", "{\"id\":\"acme\",\"klaviyoApiKey\":\"pk_1\"}");
        assertThat(add.statusCode()).isEqualTo(401);
        assertThat(rig.server().get("/api/accounts", SECRET).body()).doesNotContain("acme");
    }

    @Test
    void malformed_json_answers_400_naming_the_problem() throws Exception {
        HttpResponse<String> r = rig.server().post("/api/accounts", SECRET, "{\"id\": \"acme\", ");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode body = json.readTree(r.body());
        assertThat(body.get("error").asText()).isEqualTo("malformed_json");
        assertThat(body.get("message").asText()).contains("not valid JSON", "line 1");
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).contains("json"));
    }

    @Test
    void bad_fields_answer_400_naming_the_field_and_what_is_allowed() throws Exception {
        HttpResponse<String> badId = rig.server().post("/api/accounts", SECRET, "{\"id\":\"../etc\",\"klaviyoApiKey\":\"pk_1234\"}");
        assertThat(badId.statusCode()).isEqualTo(400);
        JsonNode d = json.readTree(badId.body()).get("details");
        assertThat(d.get("field").asText()).isEqualTo("id");
        assertThat(d.get("allowed").asText()).contains("a-z");

        HttpResponse<String> unknown = rig.server().post("/api/accounts", SECRET, "{\"id\":\"acme\",\"apiKey\":\"pk_1234\"}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("apiKey").contains("klaviyoApiKey");

        HttpResponse<String> notObject = rig.server().post("/api/accounts", SECRET, "[1,2]");
        assertThat(notObject.statusCode()).isEqualTo(400);
        assertThat(error(notObject)).isEqualTo("invalid_body");
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "chunked={0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void a_50_MiB_body_answers_413_json_with_or_without_a_length(boolean chunked) throws Exception {
        // A raw socket that reads the answer while it is still sending: the server answers before reading the
        // body and then closes, which an ordinary client may report as a broken pipe instead of the answer.
        long size = 50L * 1024 * 1024;
        try (java.net.Socket socket = new java.net.Socket("localhost", rig.server().app.port())) {
            socket.setSoTimeout(20_000);
            var out = socket.getOutputStream();
            String head = "POST /api/accounts HTTP/1.1\r\nHost: localhost\r\nx-admin-job-secret: " + SECRET + "\r\n"
                    + "Content-Type: application/json\r\n"
                    + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + size + "\r\n") + "\r\n";
            Thread sender = Thread.ofVirtual().start(() -> {
                byte[] block = new byte[64 * 1024];
                java.util.Arrays.fill(block, (byte) 'a');
                try {
                    out.write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    for (long sent = 0; sent < size; sent += block.length) {
                        if (chunked) {
                            out.write((Integer.toHexString(block.length) + "\r\n").getBytes());
                        }
                        out.write(block);
                        if (chunked) {
                            out.write("\r\n".getBytes());
                        }
                    }
                    if (chunked) {
                        out.write("0\r\n\r\n".getBytes());
                    }
                } catch (java.io.IOException closedByServer) {
                    // expected: the server stops reading once it has answered
                }
            });
            String answer = readAnswer(socket.getInputStream());
            sender.join(20_000);
            assertThat(answer).startsWith("HTTP/1.1 413").contains("\"error\":\"body_too_large\"");
        }
    }

    /** Reads the status line, headers and a Content-Length body of one HTTP answer. */
    private static String readAnswer(java.io.InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            head.append((char) c);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        byte[] body = m.find() ? in.readNBytes(Integer.parseInt(m.group(1))) : new byte[0];
        return head + new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void unknown_routes_answer_404_json() throws Exception {
        HttpResponse<String> r = rig.server().get("/api/nope", SECRET);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(error(r)).isEqualTo("not_found");
    }

    @Test
    void account_lifecycle_over_http_never_shows_the_key_in_answers_or_logs() throws Exception {
        String key = "pk_live_SUPERSECRETKEY_9876";
        HttpResponse<String> added = rig.server().post("/api/accounts", SECRET,
                "{\"id\":\"acme\",\"name\":\"Acme\",\"klaviyoApiKey\":\"" + key + "\"}");
        assertThat(added.statusCode()).isEqualTo(201);
        assertThat(json.readTree(added.body()).get("klaviyoApiKeyLast4").asText()).isEqualTo("9876");

        HttpResponse<String> again = rig.server().post("/api/accounts", SECRET,
                "{\"id\":\"acme\",\"name\":\"Acme\",\"klaviyoApiKey\":\"" + key + "\"}");
        assertThat(again.statusCode()).isEqualTo(409);
        HttpResponse<String> badType = rig.server().post("/api/accounts", SECRET,
                "{\"id\":\"beta\",\"klaviyoApiKey\":[\"" + key + "\"]}");
        assertThat(badType.statusCode()).isEqualTo(400);

        HttpResponse<String> listed = rig.server().get("/api/accounts", SECRET);
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(json.readTree(listed.body()).get("accounts").get(0).get("id").asText()).isEqualTo("acme");

        String newKey = "pk_live_REPLACEDSECRET_5432";
        HttpResponse<String> rekeyed = patch("/api/accounts/acme", "{\"klaviyoApiKey\":\"" + newKey + "\"}");
        assertThat(rekeyed.statusCode()).as(rekeyed.body()).isEqualTo(200);
        assertThat(json.readTree(rekeyed.body()).get("klaviyoApiKeyLast4").asText()).isEqualTo("5432");
        assertThat(rig.ksync().accounts().apiKey(new AccountId("acme")))
                .contains(new Secret(newKey));

        HttpResponse<String> removed = rig.server().send(HttpRequest.newBuilder(rig.server().uri("/api/accounts/acme"))
                .header("x-admin-job-secret", SECRET).DELETE());
        assertThat(removed.statusCode()).isEqualTo(200);
        JsonNode removal = json.readTree(removed.body());
        assertThat(removal.get("id").asText()).isEqualTo("acme");
        assertThat(removal.get("removed").get("backfill").get("orders").asLong()).isZero();
        assertThat(removal.get("kept").toString()).contains("snapshots", "raw ingestion tables");
        HttpResponse<String> gone = rig.server().send(HttpRequest.newBuilder(rig.server().uri("/api/accounts/acme"))
                .header("x-admin-job-secret", SECRET).DELETE());
        AnswerChecks.assertNotRegistered(gone.statusCode(), type(gone), gone.body(), "acme", "nothing was removed");

        for (HttpResponse<String> r : java.util.List.of(added, again, badType, listed, rekeyed, removed, gone)) {
            assertThat(r.body()).doesNotContain("SUPERSECRETKEY", "REPLACEDSECRET");
        }
        assertThat(logs.list).isNotEmpty();
        assertThat(logs.list).noneSatisfy(e -> assertThat(e.getFormattedMessage()).contains("SUPERSECRETKEY"));
        assertThat(logs.list).noneSatisfy(e -> assertThat(e.getFormattedMessage()).contains("REPLACEDSECRET"));
        assertThat(logs.list).noneSatisfy(e -> assertThat(e.getFormattedMessage()).contains(SECRET));
    }

    private static String type(HttpResponse<?> r) {
        return r.headers().firstValue("content-type").orElse("");
    }

    private static HttpResponse<String> patch(String path, String body) throws Exception {
        return rig.server().send(HttpRequest.newBuilder(rig.server().uri(path))
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body))
                .header("content-type", "application/json").header("x-admin-job-secret", SECRET));
    }

    @Test
    void PATCH_klaviyoApiKey_replaces_the_key_keeping_the_backfill_and_a_bad_key_changes_nothing() throws Exception {
        AccountId shop = new AccountId("shop");
        rig.ksync().accounts().add(shop, "Shop", new Secret("pk_live_first_key_1111"));
        BackfillRows.completed(rig.pg().database().jdbi(), "shop", 1);

        for (String bad : new String[] {"{\"klaviyoApiKey\":null}", "{\"klaviyoApiKey\":\"  \"}",
                "{\"klaviyoApiKey\":\"pk live BADSECRET\",\"enabled\":false}", "{\"klaviyoApiKey\":[\"x\"]}",
                "{\"klaviyoApiKey\":\"pk_live_NOTAPPLIED_9999\",\"nightlyDays\":31}"}) {
            HttpResponse<String> r = patch("/api/accounts/shop", bad);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(r.body()).doesNotContain("BADSECRET", "NOTAPPLIED");
        }
        assertThat(rig.ksync().accounts().apiKey(shop)).contains(new Secret("pk_live_first_key_1111"));
        assertThat(rig.ksync().accounts().find(shop).orElseThrow().enabled()).isTrue();
        HttpResponse<String> nobody = patch("/api/accounts/nobody", "{\"klaviyoApiKey\":\"pk_live_second_key_2222\"}");
        AnswerChecks.assertNotRegistered(nobody.statusCode(), type(nobody), nobody.body(), "nobody",
                "register it first with POST /api/accounts");
        assertThat(nobody.body()).doesNotContain("second_key");

        HttpResponse<String> r = patch("/api/accounts/shop", "{\"klaviyoApiKey\":\"pk_live_second_key_2222\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json.readTree(r.body()).get("klaviyoApiKeyLast4").asText()).isEqualTo("2222");
        assertThat(r.body()).doesNotContain("second_key");

        HttpResponse<String> removed = rig.server().send(HttpRequest.newBuilder(rig.server().uri("/api/accounts/shop"))
                .header("x-admin-job-secret", SECRET).DELETE());
        assertThat(removed.statusCode()).isEqualTo(200);
        assertThat(json.readTree(removed.body()).get("removed").get("backfill").get("orders").asLong()).isEqualTo(1);
    }

    @Test
    void PATCH_enabled_null_is_400_naming_enabled_while_a_nightly_option_null_goes_back_to_its_default() throws Exception {
        AccountId shop = new AccountId("shop");
        rig.ksync().accounts().add(shop, "Shop", new Secret("pk_live_first_key_1111"));
        assertThat(patch("/api/accounts/shop", "{\"nightlyDays\":7}").statusCode()).isEqualTo(200);

        // used to answer 200 having changed nothing; with a nightly option beside it, neither is applied
        HttpResponse<String> r = patch("/api/accounts/shop", "{\"enabled\":null,\"nightlyDays\":null}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode e = json.readTree(r.body());
        assertThat(e.get("error").asText()).isEqualTo("invalid_enabled");
        assertThat(e.get("details").get("field").asText()).isEqualTo("enabled");
        assertThat(e.get("message").asText()).contains("enabled", "true or false");
        assertThat(rig.ksync().accounts().find(shop).orElseThrow().nightly().days()).contains(7);

        HttpResponse<String> reset = patch("/api/accounts/shop", "{\"nightlyDays\":null}");
        assertThat(reset.statusCode()).as(reset.body()).isEqualTo(200);
        assertThat(json.readTree(reset.body()).get("nightly").get("days").isNull()).isTrue();
        assertThat(rig.ksync().accounts().find(shop).orElseThrow().enabled()).isTrue();
    }

    @Test
    void access_log_has_method_path_status_duration_and_redacts_token() throws Exception {
        rig.server().get("/health?token=" + SECRET + "&x=1", null);
        assertThat(logs.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
                .matches("GET /health\\?token=\\*\\*\\*&x=1 200 \\d+ms"));
        assertThat(logs.list).noneSatisfy(e -> assertThat(e.getFormattedMessage()).contains(SECRET));
    }

    @Test
    void metrics_are_exposed_for_prometheus() throws Exception {
        rig.server().get("/health", null);
        HttpResponse<String> r = rig.server().get("/metrics", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("ksync_http_requests_seconds_count").contains("jvm_memory_used_bytes");
    }

    @Test
    void metrics_label_requests_with_the_route_they_matched_never_the_raw_path() throws Exception {
        rig.server().get("/health", null);
        rig.server().get("/api/accounts", SECRET);
        rig.server().get("/api/accounts", "wrong"); // refused by the gate, still on its route
        rig.server().get("/api/backfill/status/metrics-acme", SECRET);
        rig.server().send(HttpRequest.newBuilder(rig.server().uri("/api/accounts/metrics-acme")).DELETE()
                .header("x-admin-job-secret", SECRET));
        rig.server().get("/static/backfill_manager.html", null);
        rig.server().get("/api/nope/metrics-raw-path", null);
        String metrics = rig.server().get("/metrics", null).body();
        assertThat(metrics).contains(
                "ksync_http_requests_seconds_count{method=\"GET\",route=\"/health\",status=\"200\"}",
                "ksync_http_requests_seconds_count{method=\"GET\",route=\"/api/accounts\",status=\"200\"}",
                "ksync_http_requests_seconds_count{method=\"GET\",route=\"/api/accounts\",status=\"401\"}",
                "route=\"/api/backfill/status/{client_id}\"",
                "ksync_http_requests_seconds_count{method=\"DELETE\",route=\"/api/accounts/{id}\",status=\"404\"}",
                "ksync_http_requests_seconds_count{method=\"GET\",route=\"static\",status=\"200\"}",
                "ksync_http_requests_seconds_count{method=\"GET\",route=\"unmatched\",status=\"404\"}")
                .doesNotContain("route=\"*\"", "metrics-acme", "metrics-raw-path");
    }

    private static String error(HttpResponse<String> r) throws Exception {
        return json.readTree(r.body()).get("error").asText();
    }
}
