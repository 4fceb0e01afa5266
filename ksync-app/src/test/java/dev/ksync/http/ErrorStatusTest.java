package dev.ksync.http;

import static dev.ksync.http.AnswerChecks.assertJsonError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.klaviyo.error.KlaviyoException;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Statuses come from the kind of failure, in ErrorMapper alone; a known recovery time is also a Retry-After. */
class ErrorStatusTest {
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    private static HttpResponse<String> answer(RuntimeException failure) throws Exception {
        Javalin app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            ErrorMapper.register(c.routes, Clock.fixed(NOW, ZoneOffset.UTC));
            c.routes.get("/fail", ctx -> {
                throw failure;
            });
        }).start(0);
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + app.port() + "/fail")).build(), HttpResponse.BodyHandlers.ofString());
        } finally {
            app.stop();
        }
    }

    @Test
    void every_kind_has_its_status() {
        assertThat(Arrays.stream(ErrorKind.values()).map(ErrorMapper::status).distinct().count())
                .isEqualTo(ErrorKind.values().length);
        assertThat(ErrorMapper.status(ErrorKind.RATE_LIMITED)).isEqualTo(429);
        assertThat(ErrorMapper.status(ErrorKind.UNAVAILABLE)).isEqualTo(503);
    }

    @Test
    void a_spent_quota_answers_429_with_retry_after_until_its_reset() throws Exception {
        KsyncException spent = new KsyncException(ErrorKind.RATE_LIMITED, "report_quota_exhausted", "No calls left",
                Map.of("planned", 7), null).withRetryAt(NOW.plusSeconds(3600));
        HttpResponse<String> r = answer(spent);
        assertJsonError(429, r.headers().firstValue("content-type").orElse(""), r.body(), "report_quota_exhausted");
        assertThat(r.headers().firstValue("Retry-After")).contains("3601");
    }

    @Test
    void a_rejected_klaviyo_key_is_a_502_that_says_to_fix_the_key() throws Exception {
        HttpResponse<String> r = answer(new KlaviyoException.Unauthorized("get_profiles", "not_authenticated", null));
        assertJsonError(502, r.headers().firstValue("content-type").orElse(""), r.body(), "klaviyo_unauthorized");
        assertThat(r.body()).contains("check the account's private API key");
        assertThat(r.headers().firstValue("Retry-After")).isEmpty();
    }
}
