package dev.ksync.klaviyo.budget;

import dev.ksync.klaviyo.Query;
import dev.ksync.klaviyo.Listings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ksync.klaviyo.ApiKey;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.KlaviyoClientConfig;
import dev.ksync.klaviyo.StubTransport;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class GlobalLimitTest {
    static final String TAGS = "{\"data\":[],\"links\":{\"next\":null}}";

    @Test
    void clients_of_different_accounts_share_the_global_limit() {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        WindowedBudget global = AccountBudgets.global(2, 100, clock);
        StubTransport transport = new StubTransport().thenAlways(c -> StubTransport.json(200, TAGS));
        KlaviyoClient a = KlaviyoClient.builder(KlaviyoClientConfig.defaults(), ApiKey.of("pk_account_a_1"))
                .clock(clock).sleeper(clock.sleeper()).transport(transport).globalBudget(global).build();
        KlaviyoClient b = KlaviyoClient.builder(KlaviyoClientConfig.defaults(), ApiKey.of("pk_account_b_1"))
                .clock(clock).sleeper(clock.sleeper()).transport(transport).globalBudget(global).build();
        for (int i = 0; i < 5; i++) {
            a.list(Listings.LISTS, Query.all()).toList();
            b.list(Listings.LISTS, Query.all()).toList();
        }
        // 10 calls at 2 per second; the first, sent before any round trip was known, may have arrived in the
        // second second and counts there too: the last call can only go in the 6th second
        assertThat(Duration.between(Instant.parse("2026-01-01T00:00:00Z"), clock.instant())).isEqualTo(Duration.ofSeconds(5));
        assertThat(a.callStats().total().budgetWaitMs() + b.callStats().total().budgetWaitMs()).isEqualTo(5000);
    }
}
