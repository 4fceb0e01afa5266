package dev.ksync.sandbox;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Klaviyo's per-key, per-endpoint fixed windows, on a clock the test moves. */
class RateLimitTest {
    private static final String BODY_FLOW_VALUES = "{\"data\":{\"type\":\"flow-values-report\",\"attributes\":{\"statistics\":[\"recipients\"],"
            + "\"timeframe\":{\"key\":\"last_7_days\"},\"conversion_metric_id\":\"%s\"}}}";

    // Start mid-second so window arithmetic is not trivially aligned.
    private final SettableClock clock = new SettableClock(Instant.parse("2026-11-20T12:00:00.250Z"));

    private SandboxServer start(RateLimitMode mode) {
        return SandboxServer.start(SandboxOptions.defaults().withProfiles(50).withHistoryDays(10).withRateLimits(mode), clock);
    }

    @Test
    void scaled_burst_over_the_limit_gets_429_with_retry_after_and_waiting_that_long_succeeds() {
        try (SandboxServer s = start(RateLimitMode.scaled(60))) {
            SandboxClient c = new SandboxClient(s);
            for (int i = 0; i < 3; i++) assertThat(c.get("/api/flows").status()).isEqualTo(200); // tier S: 3/s
            SandboxClient.Answer over = c.get("/api/flows");
            assertThat(over.status()).isEqualTo(429);
            assertThat(over.json().at("/errors/0/code").asText()).isEqualTo("throttled");
            assertThat(over.json().at("/errors/0/detail").asText()).startsWith("Request was throttled. Expected available in");
            assertThat(over.header("ratelimit-limit")).isNull();
            int retryAfter = Integer.parseInt(over.header("retry-after"));
            assertThat(retryAfter).isBetween(1, 60);
            clock.advance(Duration.ofSeconds(retryAfter));
            assertThat(c.get("/api/flows").status()).isEqualTo(200);
        }
    }

    @Test
    void real_steady_limit_blocks_the_61st_call_of_a_minute_until_the_window_turns() {
        try (SandboxServer s = start(RateLimitMode.REAL)) {
            SandboxClient c = new SandboxClient(s);
            clock.advance(Duration.ofMillis(60_000 - clock.millis() % 60_000)); // start of a minute
            for (int i = 0; i < 60; i++) {
                if (i > 0 && i % 3 == 0) clock.advance(Duration.ofSeconds(1)); // stay under 3/s
                assertThat(c.get("/api/flows").status()).as("call " + i).isEqualTo(200);
            }
            clock.advance(Duration.ofSeconds(1));
            SandboxClient.Answer over = c.get("/api/flows");
            assertThat(over.status()).isEqualTo(429);
            int retryAfter = Integer.parseInt(over.header("retry-after"));
            assertThat(retryAfter).isGreaterThan(30).isLessThanOrEqualTo(60);
            assertThat(c.get("/api/tags").status()).as("other endpoints have their own budget").isEqualTo(200);
            clock.advance(Duration.ofSeconds(retryAfter));
            assertThat(c.get("/api/flows").status()).isEqualTo(200);
        }
    }

    @Test
    void answers_carry_ratelimit_headers_for_the_tightest_window() {
        try (SandboxServer s = start(RateLimitMode.REAL)) {
            SandboxClient c = new SandboxClient(s);
            SandboxClient.Answer a = c.get("/api/events");
            assertThat(a.header("ratelimit-limit")).isEqualTo("350, 350;w=1, 3500;w=60");
            assertThat(a.header("ratelimit-remaining")).isEqualTo("349");
            assertThat(a.header("ratelimit-reset")).isNotNull();
            String conv = s.data().metricNamed("Placed Order").id();
            SandboxClient.Answer r = c.post("/api/flow-values-reports", BODY_FLOW_VALUES.formatted(conv));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("ratelimit-limit")).isEqualTo("1, 1;w=1, 2;w=60, 225;w=86400");
        }
    }

    @Test
    void predictive_analytics_use_the_lower_profiles_tier() {
        try (SandboxServer s = start(RateLimitMode.REAL)) {
            SandboxClient c = new SandboxClient(s);
            int ok = 0;
            for (int i = 0; i < 12; i++) {
                if (c.get("/api/profiles?additional-fields[profile]=predictive_analytics").status() == 200) ok++;
            }
            assertThat(ok).isEqualTo(10);
            assertThat(c.get("/api/profiles").status()).as("plain profiles keep the 75/s tier").isEqualTo(200);
        }
    }

    @Test
    void reports_stop_at_225_a_day() {
        try (SandboxServer s = start(RateLimitMode.REAL)) {
            SandboxClient c = new SandboxClient(s);
            String body = BODY_FLOW_VALUES.formatted(s.data().metricNamed("Placed Order").id());
            clock.advance(Duration.ofMillis(86_400_000 - clock.millis() % 86_400_000));
            for (int i = 0; i < 225; i++) {
                assertThat(c.post("/api/flow-values-reports", body).status()).as("report " + i).isEqualTo(200);
                clock.advance(Duration.ofSeconds(30)); // 2/min
            }
            SandboxClient.Answer over = c.post("/api/flow-values-reports", body);
            assertThat(over.status()).isEqualTo(429);
            assertThat(Integer.parseInt(over.header("retry-after"))).isGreaterThan(3600);
        }
    }

    @Test
    void each_configured_key_has_its_own_budget() {
        try (SandboxServer s = SandboxServer.start(SandboxOptions.defaults().withProfiles(50).withHistoryDays(10)
                .withApiKey("pk_brand_a,pk_brand_b").withRateLimits(RateLimitMode.REAL), clock)) {
            SandboxClient a = new SandboxClient(s.baseUrl(), "pk_brand_a"), b = new SandboxClient(s.baseUrl(), "pk_brand_b");
            for (int i = 0; i < 3; i++) assertThat(a.get("/api/flows").status()).isEqualTo(200);
            assertThat(a.get("/api/flows").status()).isEqualTo(429);
            assertThat(b.get("/api/flows").status()).isEqualTo(200);
        }
    }

    @Test
    void other_keys_are_refused_before_they_count() {
        try (SandboxServer s = start(RateLimitMode.scaled(1))) {
            SandboxClient wrong = new SandboxClient(s.baseUrl(), "pk_other");
            for (int i = 0; i < 5; i++) assertThat(wrong.get("/api/flows").status()).isEqualTo(401);
            assertThat(new SandboxClient(s).get("/api/flows").status()).isEqualTo(200);
        }
    }

    @Test
    void rate_limit_mode_parses_real_off_and_scaled() {
        assertThat(RateLimitMode.parse("real")).isEqualTo(RateLimitMode.REAL);
        assertThat(RateLimitMode.parse("OFF")).isEqualTo(RateLimitMode.OFF);
        assertThat(RateLimitMode.parse("scaled:60")).isEqualTo(RateLimitMode.scaled(60));
        assertThat(RateLimitMode.scaled(60).windowMillis(60)).isEqualTo(1000);
        assertThatThrownBy(() -> RateLimitMode.parse("scaled:0")).hasMessageContaining("real, off, scaled:N");
        assertThatThrownBy(() -> RateLimitMode.parse("fast")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'fast'");
    }
}
