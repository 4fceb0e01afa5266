package dev.ksync.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static dev.ksync.http.AnswerChecks.assertJsonError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Issue 9's HTTP points, one test each, against the real server on a short idle timeout. */
class HardeningTest {
    private static final String SECRET = "hardening-admin-secret-4242";
    private static final Duration IDLE = Duration.ofSeconds(2);
    private static final Duration BODY_TIMEOUT = Duration.ofSeconds(3);
    private static final ObjectMapper json = new ObjectMapper();

    @RegisterExtension
    static final TestRig rig = TestRig.api().secret(SECRET).limits(new HttpApi.Limits(IDLE, BODY_TIMEOUT));

    // 1. Auth from the headers before any body; bounded time for the unauthenticated and the slow.

    @Test
    void auth_is_decided_from_the_headers_before_the_body_is_read() throws Exception {
        for (String secretHeader : new String[] {"", "x-admin-job-secret: wrong\r\n"}) {
            for (String path : new String[] {"/api/accounts", "/api/klaviyo/audience-sync"}) {
                if (secretHeader.isEmpty() && path.contains("audience")) {
                    continue; // open for work that needs no secret: its body must be read to know
                }
                try (Socket socket = new Socket("localhost", rig.server().app.port())) {
                    // Announces a body and never sends it: an answer well before the idle timeout proves it was
                    // not waited for.
                    socket.setSoTimeout((int) IDLE.toMillis() / 2);
                    socket.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: x\r\n" + secretHeader
                            + "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n").getBytes(ISO_8859_1));
                    RawHttp.Answer a = RawHttp.read(socket.getInputStream());
                    assertThat(a.status()).as(path + " " + secretHeader).isEqualTo(401);
                    assertJsonError(a.status(), a.header("content-type"), a.body(), "unauthorized");
                }
            }
        }
    }

    @Test
    void stalled_unauthenticated_uploads_do_not_starve_health() throws Exception {
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 250; i++) {
                Socket s = new Socket("localhost", rig.server().app.port());
                s.setSoTimeout((int) IDLE.toMillis() * 5);
                // No secret, a body announced, two bytes sent, then silence.
                s.getOutputStream().write(("POST /api/klaviyo/audience-sync HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"").getBytes(ISO_8859_1));
                stalled.add(s);
            }
            long t0 = System.nanoTime();
            HttpResponse<String> health = rig.server().http.send(HttpRequest.newBuilder(rig.server().uri("/health"))
                    .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(ms).as("GET /health with 250 stalled uploads, ms").isLessThan(1000);

            // Each stalled upload is cut by the idle timeout with our JSON 408.
            RawHttp.Answer cut = RawHttp.read(stalled.get(0).getInputStream());
            assertThat(cut.status()).isEqualTo(408);
            assertJsonError(cut.status(), cut.header("content-type"), cut.body(), "request_timeout");
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
    }

    @Test
    void a_body_still_dripping_at_the_body_deadline_answers_408() throws Exception {
        try (Socket socket = new Socket("localhost", rig.server().app.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/klaviyo/audience-sync HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100000\r\n\r\n").getBytes(ISO_8859_1));
            RawHttp.Answer a = null;
            Thread drip = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 40; i++) {
                        out.write(' ');
                        out.flush();
                        Thread.sleep(IDLE.toMillis() / 4); // always under the idle timeout, never finishing
                    }
                } catch (IOException | InterruptedException closedByServer) {
                    // expected once the server has answered
                }
            });
            a = RawHttp.read(socket.getInputStream());
            drip.interrupt();
            assertThat(a.status()).isEqualTo(408);
            assertJsonError(a.status(), a.header("content-type"), a.body(), "request_timeout");
        }
    }

    @Test
    void a_small_body_sent_after_a_pause_is_read_not_timed_out() throws Exception {
        byte[] body = "{\"mode\":\"dry-run\",\"source\":\"profiles\",\"profiles\":[]}".getBytes(UTF_8);
        try (Socket socket = new Socket("localhost", rig.server().app.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/klaviyo/audience-sync HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(ISO_8859_1));
            out.flush();
            Thread.sleep(IDLE.toMillis() / 2); // a slow network (or a busy server): not a slow-drip attack
            out.write(body);
            out.flush();
            RawHttp.Answer a = RawHttp.read(socket.getInputStream());
            assertThat(a.status()).as(a.body()).isEqualTo(200);
        }
    }

    // 2. No error echoes input it could not parse.

    @Test
    void json_parse_errors_name_line_and_column_but_never_echo_the_input() throws Exception {
        HttpResponse<String> r = rig.server().post("/api/accounts", SECRET, "{\"klaviyoApiKey\":pk_live_SECRET123}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).doesNotContain("SECRET123").doesNotContain("pk_live");
        JsonNode b = json.readTree(r.body());
        assertThat(b.get("error").asText()).isEqualTo("malformed_json");
        assertThat(b.get("details").get("line").asInt()).isEqualTo(1);
        assertThat(b.get("details").get("column").asInt()).isEqualTo(18);
        assertThat(b.get("message").asText()).contains("line 1, column 18").contains("double quotes");

        for (String body : new String[] {"{\"name\": 'pk_live_SECRET123'}", "{\"a\":1} pk_live_SECRET123",
                "{\"id\":\"a\" \"pk_live_SECRET123\"}", "[pk_live_SECRET123]", "{\"id\":tr_SECRET123}"}) {
            HttpResponse<String> e = rig.server().post("/api/accounts", SECRET, body);
            assertThat(e.statusCode()).as(body).isEqualTo(400);
            assertThat(e.body()).as(body).doesNotContain("SECRET123");
        }
    }

    @Test
    void a_field_given_twice_is_refused_naming_it_and_nothing_is_done() throws Exception {
        // which mode was meant? the last one would have made a dry run live
        HttpResponse<String> r = rig.server().post("/api/klaviyo/audience-sync", null,
                "{\"mode\":\"dry-run\",\"profiles\":[],\"mode\":\"live\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode b = json.readTree(r.body());
        assertThat(b.get("error").asText()).isEqualTo("duplicate_field");
        assertThat(b.get("details").get("field").asText()).isEqualTo("mode");
        assertThat(b.get("details").get("column").asInt()).isEqualTo(39);
        assertThat(b.get("message").asText()).isEqualTo("mode is given twice in the request body at line 1, column 39;"
                + " give each field once");

        HttpResponse<String> nested = rig.server().post("/api/klaviyo/audience-sync", null,
                "{\"profiles\":[{\"id\":\"P1\"},{\"id\":\"P2\",\"attributes\":{\"email\":\"a@b.c\",\"email\":\"d@e.f\"}}]}");
        assertThat(nested.statusCode()).isEqualTo(400);
        assertThat(json.readTree(nested.body()).get("details").get("field").asText())
                .isEqualTo("profiles[1].attributes.email");

        HttpResponse<String> account = rig.server().post("/api/accounts", SECRET,
                "{\"id\":\"dup-test\",\"name\":\"Acme\",\"id\":\"dup-other\",\"klaviyoApiKey\":\"pk_dup_test_1234\"}");
        assertThat(account.statusCode()).isEqualTo(400);
        int stored = rig.pg().database().jdbi().withHandle(h -> h.select("select count(*) from accounts where id like 'dup-%'")
                .mapTo(Integer.class).one());
        assertThat(stored).isZero();
    }

    @Test
    void text_that_is_not_valid_utf8_is_refused_without_being_quoted() throws Exception {
        byte[] notUtf8 = {(byte) 0xC3, 0x28}; // a lead byte without its continuation
        // in a body, in a value or a field name alike, the whole body is refused before any field is read
        for (byte[] body : List.of(
                concat(concat("{\"profiles\":[],\"schema\":\"".getBytes(UTF_8), notUtf8), "\"}".getBytes(UTF_8)),
                concat(concat("{\"x".getBytes(UTF_8), notUtf8), "\":1}".getBytes(UTF_8)))) {
            RawHttp.Answer a = post("/api/klaviyo/audience-sync", "application/json", body);
            assertNotValidUtf8(a, "invalid_encoding");
        }
        Map<String, String> targets = Map.of(
                "/api/backfill/data/acme/orders?date=2025-01-%C3%28", "invalid_date",
                "/api/backfill/start/acme?years=%C3%28", "invalid_years",
                "/api/backfill/data/acme/orders?date=2025-01-01&x%C3%28=1", "unknown_parameter");
        for (var t : targets.entrySet()) {
            String method = t.getKey().contains("/start/") ? "POST" : "GET";
            assertNotValidUtf8(request(method, t.getKey()), t.getValue());
        }
        // In the path, the web server refuses it before any route runs.
        RawHttp.Answer path = request("GET", "/api/backfill/status/acme%C3%28");
        assertThat(path.status()).isEqualTo(400);
        assertJsonError(path.status(), path.header("content-type"), path.body(), null);
        assertThat(path.body()).doesNotContain("\uFFFD");
    }

    @Test
    void a_body_that_is_not_valid_utf8_is_400_invalid_encoding_at_its_byte_offset_and_nothing_is_stored() throws Exception {
        // the audit's request: it used to answer 201 with the name stored as two U+FFFD
        byte[] body = concat(concat("{\"id\":\"x9\",\"name\":\"".getBytes(UTF_8), new byte[] {(byte) 0xff, (byte) 0xfe}),
                "\",\"klaviyoApiKey\":\"pk_x_encoding_1234\"}".getBytes(UTF_8));
        RawHttp.Answer a = post("/api/accounts", "application/x-www-form-urlencoded", body); // curl's default type
        assertNotValidUtf8(a, "invalid_encoding");
        JsonNode details = json.readTree(a.body()).get("details");
        assertThat(details.get("offset").asInt()).isEqualTo(19);
        assertThat(details.get("charset").asText()).isEqualTo("UTF-8");
        assertThat(json.readTree(a.body()).get("message").asText()).contains("at byte 19");
        int stored = rig.pg().database().jdbi().withHandle(h -> h.select("select count(*) from accounts where id = 'x9'")
                .mapTo(Integer.class).one());
        assertThat(stored).isZero();
        // a charset the Content-Type names is held to the same: a lone surrogate is not UTF-16
        RawHttp.Answer utf16 = post("/api/accounts", "application/json; charset=UTF-16BE",
                concat("{\"id\":\"".getBytes(java.nio.charset.StandardCharsets.UTF_16BE), new byte[] {(byte) 0xDC, 0x00}));
        assertThat(utf16.status()).as(utf16.body()).isEqualTo(400);
        JsonNode u = assertJsonError(utf16.status(), utf16.header("content-type"), utf16.body(), "invalid_encoding");
        assertThat(u.get("details").get("charset").asText()).isEqualTo("UTF-16BE");
        assertThat(u.get("details").get("offset").asInt()).isEqualTo(14);
    }

    @Test
    void every_json_body_route_refuses_a_body_that_is_not_valid_utf8() throws Exception {
        byte[] body = concat("{\"x\":\"".getBytes(UTF_8), new byte[] {(byte) 0xC0, (byte) 0xAF, '"', '}'});
        List<String> refused = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (HttpApi.Route r : HttpApi.routes(rig.server().app)) {
            if (r.method() != io.javalin.http.HandlerType.POST && r.method() != io.javalin.http.HandlerType.PATCH) {
                continue;
            }
            String path = r.path().replace("{client_id}", "shop").replace("{id}", "shop");
            RawHttp.Answer a = rig.server().raw(concat((r.method() + " " + path + " HTTP/1.1\r\nHost: x\r\n"
                    + "Connection: close\r\nx-admin-job-secret: " + SECRET + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(ISO_8859_1), body));
            String code = json.readTree(a.body()).path("error").asText();
            if (code.equals("invalid_encoding")) {
                refused.add(r.method() + " " + r.path());
            } else if (a.status() < 400 || a.status() >= 500 && !code.equals("klaviyo_disabled")) {
                // routes whose input is their path answer on it (404 here); Klaviyo-only ones stop before the body
                problems.add(r.method() + " " + r.path() + " answered " + a.status() + " " + a.body());
            }
        }
        assertThat(problems).isEmpty();
        assertThat(refused).contains("POST /api/accounts", "PATCH /api/accounts/{id}", "POST /api/klaviyo/audience-sync",
                "POST /api/snapshots/process", "POST /api/cleanup",
                "POST /api/backfill/start-all");
    }

    @Test
    void a_day_outside_the_years_2000_to_2100_is_400_naming_its_field_on_every_route_that_reads_days() throws Exception {
        // each used to be a 500 (day arithmetic past LocalDate's limits) or a query over a nonsense range
        rig.ksync().accounts().add(new dev.ksync.accounts.AccountId("days-acme"), "Days",
                new dev.ksync.config.Secret("pk_days_test_1234"));
        record Case(String method, String target, String body, String field) {}
        for (Case c : List.of(
                new Case("GET", "/api/accounts/days-acme/dashboard?start=2026-11-01&end=-999999999-01-01", "", "end"),
                new Case("GET", "/api/accounts/days-acme/dashboard?end=%2B999999999-12-31", "", "end"),
                new Case("GET", "/api/accounts/days-acme/dashboard?start=1999-12-31&end=2000-01-05", "", "start"),
                new Case("GET", "/api/backfill/data/days-acme/orders?date=2101-01-01", "", "date"),
                new Case("GET", "/api/backfill/data/days-acme/orders.csv?start=%2B999999999-01-01"
                        + "&end=%2B999999999-01-02", "", "start"),
                new Case("POST", "/api/snapshots/process",
                        "{\"snapshotId\":1,\"start\":\"-999999999-01-01\",\"end\":\"-999999999-01-01\"}", "start"))) {
            HttpRequest.Builder b = HttpRequest.newBuilder(rig.server().uri(c.target()))
                    .method(c.method(), c.body().isEmpty() ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(c.body()))
                    .header("x-admin-job-secret", SECRET).header("content-type", "application/json");
            HttpResponse<String> r = rig.server().send(b);
            assertThat(r.statusCode()).as(c.target() + ": " + r.body()).isEqualTo(400);
            JsonNode e = assertJsonError(r.statusCode(), r.headers().firstValue("content-type").orElse(""), r.body(),
                    "invalid_" + c.field());
            assertThat(e.get("details").get("field").asText()).isEqualTo(c.field());
            assertThat(e.get("message").asText()).as(c.target()).contains("in the years 2000 to 2100");
        }
    }

    private static RawHttp.Answer post(String path, String contentType, byte[] body) throws IOException {
        return rig.server().raw(concat(("POST " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "x-admin-job-secret: " + SECRET + "\r\nContent-Type: " + contentType + "\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(ISO_8859_1), body));
    }

    private static RawHttp.Answer request(String method, String target) throws IOException {
        return rig.server().raw((method + " " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "x-admin-job-secret: " + SECRET + "\r\nContent-Length: 0\r\n\r\n").getBytes(ISO_8859_1));
    }

    /** A 400 that says the text is not valid UTF-8 and shows neither the replacement characters nor the bytes. */
    private static void assertNotValidUtf8(RawHttp.Answer a, String code) throws IOException {
        assertThat(a.status()).as(a.body()).isEqualTo(400);
        JsonNode b = assertJsonError(a.status(), a.header("content-type"), a.body(), code);
        assertThat(b.get("message").asText()).as(code).contains("not valid UTF-8");
        assertThat(a.body()).as(code).doesNotContain("\uFFFD", "%C3");
        assertThat(b.get("details").has("value")).as(code).isFalse();
    }

    // 4. HEAD answers as GET.

    @Test
    void head_answers_as_get() throws Exception {
        assertThat(head("/api/accounts", "wrong").statusCode()).isEqualTo(401);
        assertThat(head("/api/accounts", null).statusCode()).isEqualTo(401);
        assertThat(head("/api/accounts", SECRET).statusCode()).isEqualTo(200);
        for (String path : new String[] {"/ready", "/health", "/api/accounts", "/metrics", "/api/nope"}) {
            HttpResponse<String> get = rig.server().get(path, SECRET);
            HttpResponse<String> head = head(path, SECRET);
            assertThat(head.statusCode()).as(path).isEqualTo(get.statusCode());
            assertThat(head.headers().firstValue("content-type")).as(path)
                    .isEqualTo(get.headers().firstValue("content-type"));
            assertThat(head.body()).as(path).isEmpty();
        }
        // Over the wire: HEAD's Content-Length is GET's, and no body follows.
        RawHttp.Answer raw = rig.server().raw("HEAD /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(ISO_8859_1));
        assertThat(raw.header("content-length")).isEqualTo("15");
        assertThat(raw.body()).isEmpty();
    }

    private static HttpResponse<String> head(String path, String secret) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(rig.server().uri(path)).method("HEAD", HttpRequest.BodyPublishers.noBody());
        if (secret != null) {
            b.header("x-admin-job-secret", secret);
        }
        return rig.server().send(b);
    }

    // 5. No 500s: charset, chunked framing, NUL.

    @Test
    void illegal_charset_answers_415() throws Exception {
        for (String charset : new String[] {"bogus", "@@illegal@@", "\"utf-99\"", ""}) {
            RawHttp.Answer a = rig.server().raw(("POST /api/klaviyo/audience-sync HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                    + "Content-Type: application/json; charset" + (charset.isEmpty() ? "" : "=" + charset) + "\r\n"
                    + "Content-Length: 2\r\n\r\n{}").getBytes(ISO_8859_1));
            assertThat(a.status()).as(charset).isEqualTo(415);
            JsonNode b = assertJsonError(a.status(), a.header("content-type"), a.body(), "unsupported_charset");
            assertThat(b.get("details").get("charset").asText()).isEqualTo(charset.replace("\"", ""));
        }
        RawHttp.Answer utf16 = rig.server().raw(concat(("POST /api/klaviyo/audience-sync HTTP/1.1\r\nHost: x\r\n"
                + "Connection: close\r\nContent-Type: application/json; charset=UTF-16BE\r\nContent-Length: 4\r\n\r\n")
                .getBytes(ISO_8859_1), "{}".getBytes(java.nio.charset.StandardCharsets.UTF_16BE)));
        assertThat(utf16.status()).as("a charset Java knows is read").isEqualTo(400);
        assertThat(utf16.body()).contains("profiles");
    }

    @Test
    void malformed_chunked_body_answers_400() throws Exception {
        for (String chunks : new String[] {"ZZ\r\n{}\r\n0\r\n\r\n", "5\r\n{}\r\n0\r\n\r\n", "2\r\n{}XX0\r\n\r\n",
                "-1\r\n{}\r\n0\r\n\r\n", "fffffffffffffffff\r\n{}\r\n"}) {
            RawHttp.Answer a = rig.server().raw(("POST /api/accounts HTTP/1.1\r\nHost: x\r\nx-admin-job-secret: " + SECRET
                    + "\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n" + chunks)
                    .getBytes(ISO_8859_1));
            assertThat(a.status()).as(chunks).isEqualTo(400);
            assertJsonError(a.status(), a.header("content-type"), a.body(), null);
        }
    }

    @Test
    void nul_character_answers_400_naming_the_field_and_never_reaches_the_log() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            HttpResponse<String> r = rig.server().post("/api/accounts", SECRET,
                    "{\"id\":\"nul-test\",\"name\":\"Acme\\u0000Inc\",\"klaviyoApiKey\":\"pk_nul_test_1234\"}");
            assertThat(r.statusCode()).isEqualTo(400);
            JsonNode b = json.readTree(r.body());
            assertThat(b.get("error").asText()).isEqualTo("invalid_character");
            assertThat(b.get("details").get("field").asText()).isEqualTo("name");

            HttpResponse<String> nested = rig.server().post("/api/klaviyo/audience-sync", null,
                    "{\"profiles\":[{\"id\":\"P1\",\"email\":\"a@b.c\"},{\"id\":\"P2\",\"email\":\"x\\u0000@b.c\"}]}");
            assertThat(nested.statusCode()).isEqualTo(400);
            assertThat(json.readTree(nested.body()).get("details").get("field").asText()).isEqualTo("profiles[1].email");

            HttpResponse<String> raw = rig.server().post("/api/accounts", SECRET, "{\"id\":\"nul\0raw\"}");
            assertThat(raw.statusCode()).isEqualTo(400);
            assertThat(raw.body()).doesNotContain("\0");
            rig.server().get("/health?x=%00", null);
            int stored = rig.pg().database().jdbi().withHandle(h -> h.select("select count(*) from accounts where id = 'nul-test'")
                    .mapTo(Integer.class).one());
            assertThat(stored).isZero();
            assertThat(logs.lines()).isNotEmpty().noneMatch(l -> l.indexOf('\0') >= 0);
        }
    }

    // 6. Every error answer is our JSON, the web server's own included.

    @Test
    void every_error_answer_is_json_whoever_produces_it() throws Exception {
        Map<String, Integer> requests = new java.util.LinkedHashMap<>();
        requests.put("GARBAGE\r\n\r\n", 400);
        requests.put("GET /health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", 400);
        requests.put("GET /health HTTP/1.1\r\n\r\n", 400); // no Host
        requests.put("POST /api/accounts HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n{}", 400);
        requests.put("GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414);
        requests.put("GET /health HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\n\r\n", 417);
        requests.put("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 426);
        requests.put("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n", 431);
        requests.put("GET /health HTTP/3.7\r\nHost: x\r\n\r\n", 505);
        requests.put("DELETE /api/accounts/%00 HTTP/1.1\r\nHost: x\r\n\r\n", 400);
        requests.put("PUT /api/nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", 404);
        for (var r : requests.entrySet()) {
            RawHttp.Answer a = rig.server().raw(r.getKey().getBytes(ISO_8859_1));
            String label = r.getKey().substring(0, Math.min(40, r.getKey().length()));
            assertThat(a.status()).as(label).isEqualTo(r.getValue());
            assertJsonError(a.status(), a.header("content-type"), a.body(), null);
        }
    }

    // 7. Messages speak of the request, never of Java.

    @Test
    void messages_speak_of_the_request_not_of_java() throws Exception {
        Map<String, String> cases = Map.of(
                "{\"a\":" + "[".repeat(1500) + "]".repeat(1500) + "}", "nesting too deep",
                "{\"pageSize\":" + "9".repeat(1500) + "}", "number too large",
                // open work (profiles given): gated work meets the gates before its fields are checked
                "{\"profiles\":[],\"pageSize\":1" + "0".repeat(900) + "}", "pageSize",
                "{\"profiles\":\"x\"}", "profiles",
                "{\"profiles\":[],\"pageSize\":\"100\"}", "pageSize",
                "{\"mode\":[1,2]}", "mode");
        for (var c : cases.entrySet()) {
            HttpResponse<String> r = rig.server().post("/api/klaviyo/audience-sync", SECRET, c.getKey());
            assertThat(r.statusCode()).as(c.getValue()).isEqualTo(400);
            assertThat(json.readTree(r.body()).get("message").asText()).as(c.getValue()).contains(c.getValue());
            assertThat(r.body()).doesNotContainPattern(AnswerChecks.JAVA_NAMES);
        }
    }

    // 8. A wrong method is 405 with Allow.

    @Test
    void wrong_method_answers_405_with_allow() throws Exception {
        HttpResponse<String> put = rig.server().send(HttpRequest.newBuilder(rig.server().uri("/health"))
                .PUT(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.headers().firstValue("allow")).hasValue("GET, HEAD");
        JsonNode b = json.readTree(put.body());
        assertThat(b.get("error").asText()).isEqualTo("method_not_allowed");
        assertThat(b.get("details").get("allowed").toString()).isEqualTo("[\"GET\",\"HEAD\"]");

        HttpResponse<String> patch = rig.server().send(HttpRequest.newBuilder(rig.server().uri("/api/accounts"))
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(patch.statusCode()).isEqualTo(405);
        assertThat(patch.headers().firstValue("allow")).hasValue("GET, HEAD, POST");
        RawHttp.Answer odd = rig.server().raw("BREW /api/klaviyo/audience-sync HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                .getBytes(ISO_8859_1));
        assertThat(odd.status()).isEqualTo(405);
        assertThat(odd.header("allow")).isEqualTo("POST");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
