package dev.ksync.klaviyo.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ksync.klaviyo.endpoint.RateTier;
import dev.ksync.klaviyo.error.KlaviyoException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class WindowedBudgetTest {
    final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00.300Z"));
    static final Duration FOREVER = Duration.ofDays(2);

    /** Calls per fixed window [k·len, (k+1)·len), the way Klaviyo counts. */
    static Map<Long, Integer> perWindow(List<Instant> calls, Duration len) {
        Map<Long, Integer> m = new HashMap<>();
        for (Instant t : calls) m.merge(Math.floorDiv(t.toEpochMilli(), len.toMillis()), 1, Integer::sum);
        return m;
    }

    /** Tells the budget that a call took {@code roundTrip}: the transit it then allows for. */
    void roundTrip(WindowedBudget b, Duration roundTrip) {
        b.observe(RateLimitHeaders.none(), clock.instant(), clock.instant().plus(roundTrip));
    }

    @Test
    void no_burst_or_steady_window_is_exceeded_and_the_steady_rate_is_reached() throws Exception {
        WindowedBudget b = new WindowedBudget("get_profiles", AccountBudgets.windowsOf(RateTier.L, 1), clock);
        roundTrip(b, Duration.ZERO);
        List<Instant> calls = new ArrayList<>();
        Instant start = clock.instant();
        for (int i = 0; i < 3000; i++) {
            b.acquire("get_profiles", clock.sleeper(), FOREVER);
            calls.add(clock.instant());
        }
        assertThat(perWindow(calls, Duration.ofSeconds(1)).values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(75));
        assertThat(perWindow(calls, Duration.ofMinutes(1)).values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(750));
        // 4 steady windows of 750, each used up in 10 s of 75/s bursts: the last call falls at ~00:03:10
        assertThat(Duration.between(start, clock.instant())).isBetween(Duration.ofMinutes(3), Duration.ofMinutes(3).plusSeconds(11));
    }

    @Test
    void calls_counted_when_they_arrive_never_overfill_a_window_and_the_steady_rate_is_kept() throws Exception {
        WindowedBudget b = new WindowedBudget("get_profiles", AccountBudgets.windowsOf(RateTier.L, 1), clock);
        java.util.Random random = new java.util.Random(7);
        List<Instant> arrivals = new ArrayList<>();
        Instant start = clock.instant();
        for (int i = 0; i < 3000; i++) {
            b.acquire("get_profiles", clock.sleeper(), FOREVER);
            // Klaviyo counts a call when it arrives, 0 to 200 ms after it was sent; calls go out unevenly, on
            // average just under the burst, so some leave right before a window ends
            Duration latency = Duration.ofMillis(random.nextInt(201));
            arrivals.add(clock.instant().plus(latency));
            b.observe(RateLimitHeaders.none(), clock.instant(), clock.instant().plus(latency));
            clock.advance(Duration.ofMillis(random.nextInt(27)));
        }
        assertThat(perWindow(arrivals, Duration.ofSeconds(1)).values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(75));
        assertThat(perWindow(arrivals, Duration.ofMinutes(1)).values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(750));
        assertThat(Duration.between(start, clock.instant())).isLessThan(Duration.ofMinutes(3).plusSeconds(30));
    }

    @Test
    void before_any_answer_a_call_near_a_window_end_counts_in_the_next_window_too() throws Exception {
        clock.advance(Duration.ofMillis(59_100 - 300)); // 00:00:59.100
        WindowedBudget b = new WindowedBudget("x", List.of(new Window(2, Duration.ofMinutes(1))), clock);
        b.acquire("x", clock.sleeper(), FOREVER);
        clock.advance(Duration.ofSeconds(1)); // 00:01:00.100: the first call may have arrived in this window
        b.acquire("x", clock.sleeper(), FOREVER);
        assertThat(b.available(new Window(2, Duration.ofMinutes(1)))).isZero();
    }

    @Test
    void parallel_callers_share_the_windows() throws Exception {
        WindowedBudget b = new WindowedBudget("get_events", AccountBudgets.windowsOf(RateTier.M, 1), clock);
        roundTrip(b, Duration.ZERO);
        List<Instant> calls = Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int t = 0; t < 8; t++) {
                pool.submit(() -> {
                    for (int i = 0; i < 60; i++) {
                        // read the clock together with the grant: another thread's sleep may move it right after
                        synchronized (calls) {
                            b.acquire("get_events", clock.sleeper(), FOREVER);
                            calls.add(clock.instant());
                        }
                    }
                    return null;
                });
            }
        }
        assertThat(calls).hasSize(480);
        assertThat(perWindow(calls, Duration.ofSeconds(1)).values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(10));
        assertThat(perWindow(calls, Duration.ofMinutes(1)).values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(150));
    }

    @Test
    void daily_report_cap_stops_calls_with_a_typed_error_naming_when_they_resume() throws Exception {
        WindowedBudget b = new WindowedBudget("query_flow_values", AccountBudgets.windowsOf(RateTier.REPORTS, 1), clock);
        roundTrip(b, Duration.ZERO);
        List<Instant> calls = new ArrayList<>();
        for (int i = 0; i < 225; i++) {
            b.acquire("query_flow_values", clock.sleeper(), Duration.ofMinutes(5));
            calls.add(clock.instant());
        }
        assertThat(perWindow(calls, Duration.ofSeconds(1)).values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(1));
        assertThat(perWindow(calls, Duration.ofMinutes(1)).values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2));
        Instant before = clock.instant();

        assertThatThrownBy(() -> b.acquire("query_flow_values", clock.sleeper(), Duration.ofMinutes(5)))
                .isInstanceOfSatisfying(KlaviyoException.DailyCapReached.class, e -> {
                    assertThat(e.resumeAt()).isEqualTo(Instant.parse("2026-01-02T00:00:00Z"));
                    assertThat(e.getMessage()).contains("225").contains("2026-01-02T00:00:00Z");
                });
        assertThat(clock.instant()).as("no waiting on the cap").isEqualTo(before);

        clock.advance(Duration.between(clock.instant(), Instant.parse("2026-01-02T00:00:00Z")));
        assertThat(b.acquire("query_flow_values", clock.sleeper(), Duration.ofMinutes(5))).isEqualTo(Duration.ZERO);
    }

    @Test
    void a_wait_longer_than_allowed_fails_with_rate_limited_and_resume_time() {
        WindowedBudget b = new WindowedBudget("x", List.of(new Window(1, Duration.ofMinutes(1))), clock);
        roundTrip(b, Duration.ZERO);
        assertThatThrownBy(() -> {
            b.acquire("x", clock.sleeper(), Duration.ofSeconds(5));
            b.acquire("x", clock.sleeper(), Duration.ofSeconds(5));
        }).isInstanceOfSatisfying(KlaviyoException.RateLimited.class,
                e -> assertThat(e.resumeAt()).isEqualTo(Instant.parse("2026-01-01T00:01:00Z")));
    }

    void observe(WindowedBudget b, RateLimitHeaders h) {
        b.observe(h, clock.instant(), clock.instant());
    }

    @Test
    void remaining_from_an_answer_that_crossed_a_window_end_is_not_applied_to_the_new_window() {
        WindowedBudget b = new WindowedBudget("get_campaigns", AccountBudgets.windowsOf(RateTier.M, 1), clock);
        Window burst = new Window(10, Duration.ofSeconds(1));
        Instant sent = clock.instant();
        clock.advance(Duration.ofMillis(800)); // 00:00:01.100: Klaviyo's "0 remaining" was about the second before
        b.observe(RateLimitHeaders.parse("10, 10;w=1, 150;w=60", "0", "0"), sent, clock.instant());
        assertThat(b.available(burst)).isEqualTo(10);
    }

    @Test
    void headers_lower_the_remaining_calls_and_replace_the_windows() throws Exception {
        WindowedBudget b = new WindowedBudget("get_campaigns", AccountBudgets.windowsOf(RateTier.M, 1), clock);
        Window burst = new Window(10, Duration.ofSeconds(1));
        observe(b, RateLimitHeaders.parse("10, 10;w=1, 150;w=60", "7", "0"));
        assertThat(b.available(burst)).isEqualTo(7);
        observe(b, RateLimitHeaders.parse("10, 10;w=1, 150;w=60", "9", "0"));
        assertThat(b.available(burst)).as("never raised").isEqualTo(7);

        observe(b, RateLimitHeaders.parse("4, 4;w=1, 20;w=6", "4", "0"));
        assertThat(b.windows()).containsExactly(new Window(4, Duration.ofSeconds(1)), new Window(20, Duration.ofSeconds(6)));
    }

    @Test
    void a_daily_cap_survives_announcements_that_leave_it_out_and_spent_calls_still_count() throws Exception {
        WindowedBudget b = new WindowedBudget("query_flow_series", AccountBudgets.windowsOf(RateTier.REPORTS, 1), clock);
        Window daily = new Window(225, Duration.ofDays(1));
        b.acquire("query_flow_series", clock.sleeper(), FOREVER);
        observe(b, RateLimitHeaders.parse("1, 1;w=1, 3;w=60", "2", "0"));
        assertThat(b.windows()).contains(daily, new Window(3, Duration.ofSeconds(60)));
        assertThat(b.available(daily)).as("the call spent before stays spent").isEqualTo(224);
        assertThat(b.available(new Window(3, Duration.ofSeconds(60)))).as("1 of the steady window used").isEqualTo(2);
    }

    @Test
    void pause_holds_every_caller_until_the_retry_after_has_passed() throws Exception {
        WindowedBudget b = new WindowedBudget("x", AccountBudgets.windowsOf(RateTier.XL, 1), clock);
        b.pauseUntil(clock.instant().plusSeconds(3));
        Duration waited = b.acquire("x", clock.sleeper(), FOREVER);
        assertThat(waited).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void a_scaled_budget_keeps_its_windows_and_matches_remaining_by_limit() {
        WindowedBudget b = new WindowedBudget("x", AccountBudgets.windowsOf(RateTier.M, 60), clock, 60, BudgetStore.inMemory(), "x");
        observe(b, RateLimitHeaders.parse("10, 10;w=1, 150;w=1", "3", "0"));
        assertThat(b.windows()).containsExactlyInAnyOrderElementsOf(AccountBudgets.windowsOf(RateTier.M, 60));
        assertThat(b.available(new Window(10, Duration.ofSeconds(1).dividedBy(60)))).isEqualTo(3);
    }

    @Test
    void scaled_windows_divide_every_window_length() {
        assertThat(AccountBudgets.windowsOf(RateTier.REPORTS, 10)).containsExactly(new Window(1, Duration.ofMillis(100)),
                new Window(2, Duration.ofSeconds(6)), new Window(225, Duration.ofMinutes(144)));
    }
}
