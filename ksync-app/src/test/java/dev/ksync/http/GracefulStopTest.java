package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.sandbox.SandboxOptions;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A stop (SIGTERM's shutdown hook, a rolling deploy) answers the requests in flight before it closes. */
class GracefulStopTest {
    /** Every Klaviyo call takes this long, so a sync is still running when the stop comes. */
    private static final int LATENCY_MS = 1500;
    private static final String SECRET = "graceful-secret";

    @RegisterExtension
    static final TestRig rig = TestRig.api().secret(SECRET).sandbox(SandboxOptions.defaults().withProfiles(50).withLatencyMs(LATENCY_MS));

    @Test
    void a_request_in_flight_when_the_server_stops_gets_its_answer() throws Exception {
        TestServer server = new TestServer(rig.env().get("DATABASE_URL"), Path.of(rig.env().get("KSYNC_DATA_DIR")),
                rig.env());
        try {
            CompletableFuture<HttpResponse<String>> inFlight = server.http.sendAsync(HttpRequest.newBuilder(
                            server.uri("/api/klaviyo/audience-sync"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"mode\":\"dry-run\",\"source\":\"klaviyo\",\"maxPages\":1}"))
                    .header("content-type", "application/json").header("x-admin-job-secret", SECRET).build(), HttpResponse.BodyHandlers.ofString());
            // in flight once Klaviyo has seen its first call (the sync makes more, each LATENCY_MS long)
            while (rig.sandbox().stats().isEmpty()) {
                assertThat(inFlight).as("the sync answered before the stop could come").isNotDone();
                Thread.onSpinWait();
            }

            server.app.stop(); // what the shutdown hook does first

            HttpResponse<String> answer = inFlight.get(30, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            JsonNode body = new ObjectMapper().readTree(answer.body());
            assertThat(body.path("mode").asText()).isEqualTo("dry-run");
            assertThat(body.path("rows").asInt()).isPositive();
        } finally {
            server.ksync.close();
        }
    }
}
