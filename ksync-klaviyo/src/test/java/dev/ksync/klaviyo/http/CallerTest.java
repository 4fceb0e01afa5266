package dev.ksync.klaviyo.http;

import dev.ksync.klaviyo.Query;
import dev.ksync.klaviyo.Listings;
import static dev.ksync.klaviyo.StubTransport.error;
import static dev.ksync.klaviyo.StubTransport.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ksync.klaviyo.ApiKey;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.KlaviyoClientConfig;
import dev.ksync.klaviyo.StubTransport;
import dev.ksync.klaviyo.budget.ManualClock;
import dev.ksync.klaviyo.error.Blame;
import dev.ksync.klaviyo.error.KlaviyoException;
import dev.ksync.klaviyo.stats.CallListener;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CallerTest {
    static final String SECRET = "pk_live_0123456789abcdef";
    static final String TAGS = "{\"data\":[{\"type\":\"tag\",\"id\":\"t1\",\"attributes\":{\"name\":\"VIP\"}}],\"links\":{\"next\":null}}";
    final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    final StubTransport transport = new StubTransport();
    final AtomicInteger retriesSeen = new AtomicInteger();
    final KlaviyoClient client = KlaviyoClient.builder(KlaviyoClientConfig.defaults(), ApiKey.of(SECRET))
            .clock(clock).sleeper(clock.sleeper()).transport(transport).random(() -> 1.0)
            .listener(new CallListener() {
                @Override public void onRetry(String op, String reason) { retriesSeen.incrementAndGet(); }
            }).build();

    @Test
    void sends_key_only_in_the_authorization_header_with_the_pinned_revision() {
        transport.then(c -> json(200, TAGS));
        assertThat(client.list(Listings.TAGS, Query.all()).toList()).extracting(t -> t.name()).containsExactly("VIP");
        HttpCall call = transport.calls.getFirst();
        assertThat(call.headers()).containsEntry("Authorization", "Klaviyo-API-Key " + SECRET)
                .containsEntry("revision", "2026-07-15");
        assertThat(call.uri().toString()).doesNotContain(SECRET);
        assertThat(call.toString()).doesNotContain(SECRET);
        assertThat(ApiKey.of(SECRET).toString()).doesNotContain(SECRET).endsWith("cdef]");
    }

    @Test
    void server_errors_are_retried_with_growing_bounded_backoff() {
        transport.then(c -> json(500, error(500, "error", "boom"))).then(c -> json(502, "<html>bad gateway</html>"))
                .then(c -> json(503, "")).then(c -> json(200, TAGS));
        Instant start = clock.instant();
        assertThat(client.list(Listings.TAGS, Query.all()).toList()).hasSize(1);
        // random 1.0 → full backoff: 0.5 s, 1 s, 2 s
        assertThat(Duration.between(start, clock.instant())).isEqualTo(Duration.ofMillis(3500));
        var s = client.callStats().endpoint("get_tags");
        assertThat(s.calls()).isEqualTo(4);
        assertThat(s.retries()).isEqualTo(3);
        assertThat(s.backoffMs()).isEqualTo(3500);
        assertThat(retriesSeen).hasValue(3);
    }

    @Test
    void backoff_is_capped() {
        RetryPolicy p = RetryPolicy.DEFAULT;
        assertThat(p.backoff(30, 1.0)).isEqualTo(p.maxBackoff());
        assertThat(p.backoff(3, 0.0)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void persistent_server_errors_end_as_upstream_with_klaviyo_status_code_and_detail() {
        transport.thenAlways(c -> json(503, error(503, "service_unavailable", "try later")));
        assertThatThrownBy(() -> client.list(Listings.TAGS, Query.all()).toList())
                .isInstanceOfSatisfying(KlaviyoException.Upstream.class, e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.code()).isEqualTo("service_unavailable");
                    assertThat(e.detail()).isEqualTo("try later");
                    assertThat(e.blame()).isEqualTo(Blame.EXTERNAL);
                    assertThat(e.getMessage()).contains("after 6 attempts");
                });
        assertThat(transport.calls).hasSize(6);
        assertThat(client.callStats().endpoint("get_tags").failures()).isEqualTo(1);
    }

    @Test
    void timeouts_io_errors_and_cut_bodies_are_retried() {
        transport.then(c -> { throw new HttpTimeoutException("request timed out"); })
                .then(c -> { throw new IOException("fixed content-length: 900, bytes received: 120"); })
                .then(c -> json(200, TAGS.substring(0, 40)))
                .then(c -> json(200, TAGS));
        assertThat(client.list(Listings.TAGS, Query.all()).toList()).hasSize(1);
        assertThat(client.callStats().endpoint("get_tags").retries()).isEqualTo(3);
    }

    @Test
    void a_cut_body_of_a_listing_read_raw_is_retried_too() {
        transport.then(c -> json(200, TAGS.substring(0, TAGS.length() - 2)))
                .then(c -> json(200, TAGS));
        var tags = client.list(Listings.raw(dev.ksync.klaviyo.endpoint.Endpoints.TAGS), Query.all()).toList();
        assertThat(tags).hasSize(1);
        assertThat(tags.getFirst().tree().path("type").asText()).isEqualTo("tag");
        assertThat(client.callStats().endpoint("get_tags").retries()).isEqualTo(1);
    }

    @Test
    void persistent_io_errors_end_as_transport_error() {
        transport.thenAlways(c -> { throw new IOException("Connection refused"); });
        assertThatThrownBy(() -> client.list(Listings.TAGS, Query.all()).toList()).isInstanceOf(KlaviyoException.Transport.class)
                .hasMessageContaining("check the network");
    }

    @Test
    void a_connection_not_made_in_time_is_the_network_and_keeps_every_attempt() {
        transport.thenAlways(c -> { throw new java.net.http.HttpConnectTimeoutException("HTTP connect timed out"); });
        assertThatThrownBy(() -> client.list(Listings.TAGS, Query.all()).toList()).isInstanceOf(KlaviyoException.Transport.class)
                .hasMessageStartingWith("Could not reach Klaviyo for get_tags after 6 attempts");
        assertThat(transport.calls).hasSize(6);
    }

    @Test
    void an_interrupt_during_the_backoff_is_the_stop_it_asks_for_not_a_network_error() {
        KlaviyoClient sleeping = KlaviyoClient.builder(KlaviyoClientConfig.defaults(), ApiKey.of(SECRET))
                .clock(clock).sleeper(d -> Thread.sleep(d.toMillis())).transport(transport).random(() -> 1.0).build();
        transport.thenAlways(c -> json(503, error(503, "service_unavailable", "try later")));
        Thread.currentThread().interrupt(); // a shutdown's interrupt: the backoff's sleep throws at once
        try {
            assertThatThrownBy(() -> sleeping.list(Listings.TAGS, Query.all()).toList())
                    .isInstanceOf(dev.ksync.klaviyo.error.CallInterrupted.class)
                    .isNotInstanceOf(KlaviyoException.class).hasMessageNotContaining("network");
            assertThat(Thread.currentThread().isInterrupted()).as("the interrupt flag is set again").isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(transport.calls).as("no retry after the interrupt").hasSize(1);
    }

    @Test
    void an_io_error_an_interrupt_caused_is_not_reported_as_the_network() {
        transport.thenAlways(c -> { throw new java.nio.channels.ClosedByInterruptException(); });
        try {
            assertThatThrownBy(() -> client.list(Listings.TAGS, Query.all()).toList())
                    .isInstanceOf(dev.ksync.klaviyo.error.CallInterrupted.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(transport.calls).hasSize(1);
    }

    @Test
    void a_401_ends_at_once_with_a_clear_error_without_the_key() {
        transport.thenAlways(c -> json(401, error(401, "not_authenticated", "Incorrect authentication credentials.")));
        assertThatThrownBy(() -> client.list(Listings.TAGS, Query.all()).toList())
                .isInstanceOfSatisfying(KlaviyoException.Unauthorized.class, e -> {
                    assertThat(e.getMessage()).startsWith("Klaviyo rejected the API key (401)")
                            .contains("check the account's private API key").doesNotContain(SECRET);
                    assertThat(e.code()).isEqualTo("not_authenticated");
                    assertThat(e.blame()).isEqualTo(Blame.USER);
                });
        assertThat(transport.calls).hasSize(1);
    }

    @Test
    void other_client_errors_are_typed_and_not_retried() {
        transport.then(c -> json(403, error(403, "permission_denied", "missing scope")));
        assertThatThrownBy(() -> client.list(Listings.TAGS, Query.all()).toList()).isInstanceOfSatisfying(KlaviyoException.Forbidden.class,
                e -> assertThat(e.getMessage()).contains("tags:read"));
        transport.then(c -> json(404, error(404, "not_found", "no flow")));
        assertThatThrownBy(() -> client.list(Listings.FLOW_ACTIONS, Query.of("nope")).toList()).isInstanceOf(KlaviyoException.NotFound.class);
        transport.then(c -> json(400, error(400, "invalid", "bad filter")));
        assertThatThrownBy(() -> client.list(Listings.TAGS, Query.all()).toList()).isInstanceOfSatisfying(KlaviyoException.BadRequest.class,
                e -> assertThat(e.detail()).isEqualTo("bad filter"));
        assertThat(transport.calls).hasSize(3);
    }

    @Test
    void a_429_waits_retry_after_plus_jitter_and_retries() {
        transport.then(c -> json(429, error(429, "throttled", "Expected available in 2 seconds."), Map.of("Retry-After", List.of("2"))))
                .then(c -> json(200, TAGS));
        Instant start = clock.instant();
        assertThat(client.list(Listings.TAGS, Query.all()).toList()).hasSize(1);
        assertThat(Duration.between(start, clock.instant())).isEqualTo(Duration.ofMillis(2500));
        assertThat(client.callStats().endpoint("get_tags").throttled()).isEqualTo(1);
    }

    @Test
    void a_429_asking_for_longer_than_the_policy_allows_fails_with_resume_time() {
        transport.then(c -> json(429, error(429, "throttled", "Expected available in 3600 seconds."),
                Map.of("Retry-After", List.of("3600"))));
        assertThatThrownBy(() -> client.list(Listings.TAGS, Query.all()).toList())
                .isInstanceOfSatisfying(KlaviyoException.RateLimited.class,
                        e -> assertThat(e.resumeAt()).isEqualTo(Instant.parse("2026-01-01T01:00:00Z")));
    }
}
