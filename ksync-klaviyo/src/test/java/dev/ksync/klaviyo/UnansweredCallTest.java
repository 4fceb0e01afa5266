package dev.ksync.klaviyo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ksync.klaviyo.error.Blame;
import dev.ksync.klaviyo.error.KlaviyoException;
import dev.ksync.klaviyo.http.RetryPolicy;
import dev.ksync.sandbox.FaultKind;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.sandbox.SandboxServer;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Klaviyo that takes a request and never answers fails the call after two timeouts, not after every attempt the
 * retry policy allows for server errors (6 × 60 s was 6.5 minutes a call). The sandbox's slow fault (2.5 s) against a
 * 2 s timeout is such a request; what the sandbox saw is counted, never the time.
 */
class UnansweredCallTest {
    static final String KEY = "pk_sandbox_unanswered_key";
    static SandboxServer sandbox;
    static KlaviyoClient client;

    @BeforeAll
    static void start() {
        sandbox = SandboxServer.start(SandboxOptions.defaults().withProfiles(20).withHistoryDays(5).withApiKey(KEY)
                .withRateLimits(RateLimitMode.OFF));
        KlaviyoClientConfig cfg = KlaviyoClientConfig.of(URI.create(sandbox.baseUrl())).withTimeout(Duration.ofSeconds(2))
                .withRetry(RetryPolicy.DEFAULT.withBackoff(Duration.ofMillis(20), Duration.ofMillis(100)));
        client = KlaviyoClient.builder(cfg, ApiKey.of(KEY)).build();
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        sandbox.close();
    }

    @BeforeEach
    void reset() {
        sandbox.clearFaults();
        sandbox.resetStats();
    }

    @Test
    void a_hung_klaviyo_fails_the_call_after_two_unanswered_attempts_saying_so() {
        sandbox.injectFaults(FaultKind.SLOW, RetryPolicy.DEFAULT.maxAttempts(), "get_tags");
        assertThatThrownBy(() -> client.list(Listings.TAGS, Query.all()).toList())
                .isInstanceOfSatisfying(KlaviyoException.Transport.class, e -> {
                    assertThat(e.getMessage()).startsWith("Klaviyo did not answer get_tags within 2 s, 2 times:")
                            .doesNotContain(KEY);
                    assertThat(e.blame()).isEqualTo(Blame.EXTERNAL);
                });
        assertThat(requests("get_tags")).isEqualTo(2);
    }

    @Test
    void one_unanswered_attempt_is_retried_and_the_call_succeeds() {
        sandbox.injectFaults(FaultKind.SLOW, 1, "get_tags");
        assertThat(client.list(Listings.TAGS, Query.all()).toList()).isNotEmpty();
        assertThat(requests("get_tags")).isEqualTo(2);
    }

    @Test
    void server_errors_keep_every_attempt_of_the_policy() {
        sandbox.injectFaults(FaultKind.UNAVAILABLE_503, RetryPolicy.DEFAULT.maxAttempts() - 1, "get_tags");
        assertThat(client.list(Listings.TAGS, Query.all()).toList()).isNotEmpty();
        assertThat(requests("get_tags")).isEqualTo(RetryPolicy.DEFAULT.maxAttempts());
    }

    @Test
    void an_unanswered_attempt_among_server_errors_ends_the_call_at_the_second_one_naming_all_attempts() {
        sandbox.injectFaults(FaultKind.SLOW, 1, "get_tags");
        sandbox.injectFaults(FaultKind.ERROR_500, 2, "get_tags");
        sandbox.injectFaults(FaultKind.SLOW, 1, "get_tags");
        assertThatThrownBy(() -> client.list(Listings.TAGS, Query.all()).toList())
                .isInstanceOf(KlaviyoException.Transport.class)
                .hasMessageStartingWith("Klaviyo did not answer get_tags within 2 s, 2 times (4 attempts in all):");
        assertThat(requests("get_tags")).isEqualTo(4);
    }

    private static long requests(String operationId) {
        return sandbox.stats().get(KEY).get(operationId).requests();
    }
}
