package dev.ksync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ksync demo} stops as {@code ksync serve} does (ServeStopTest), its Klaviyo sandbox in the same ordered stop:
 * on SIGTERM a live update in flight still gets its Klaviyo answers, and the sandbox stops after it.
 */
class DemoStopTest {
    private static final String SECRET = "demo-stop-secret";
    private static final Pattern SANDBOX = Pattern.compile("Klaviyo sandbox at (http://\\S+):");
    private static final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    @Test
    void sigterm_answers_a_live_update_in_flight_before_the_demo_sandbox_stops() throws Exception {
        Map<String, String> env = Map.of("ADMIN_JOB_SECRET", SECRET, "PORT", "0");
        try (ChildKsync demo = ChildKsync.start(dataDir, env, Pattern.compile("ksync demo is running at (http://\\S+)"),
                "demo", "--profiles", "300")) {
            Matcher m = SANDBOX.matcher(demo.output());
            assertThat(m.find()).as(demo.output()).isTrue();
            URI stats = URI.create(m.group(1) + "/__sandbox/stats");
            String before = http.send(HttpRequest.newBuilder(stats).build(), HttpResponse.BodyHandlers.ofString()).body();
            CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(HttpRequest.newBuilder(
                            URI.create(demo.url + "/api/dashboard/update")).header("x-admin-job-secret", SECRET)
                    .header("content-type", "application/json").header("x-idempotency-key", "demo-stop-key")
                    .timeout(Duration.ofSeconds(120))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"mode\":\"live\",\"accountId\":\"demo\",\"days\":3}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            // in flight once the sandbox has served one of its calls
            ChildKsync.await("the update's first Klaviyo call", Duration.ofSeconds(60), () -> !before.equals(
                    http.sendAsync(HttpRequest.newBuilder(stats).build(), HttpResponse.BodyHandlers.ofString())
                            .join().body()));
            assertThat(inFlight).as("the update answered before the stop could come").isNotDone();

            demo.stop(); // SIGTERM: the JVM runs its shutdown hooks

            HttpResponse<String> answer = inFlight.get(60, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).as(answer.body() + "\n" + demo.output()).isEqualTo(200);
        }
    }
}
