package dev.ksync.bench;

import dev.ksync.klaviyo.ApiKey;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.KlaviyoClientConfig;
import dev.ksync.klaviyo.Partitioning;
import dev.ksync.klaviyo.ProfileQuery;
import dev.ksync.klaviyo.stats.EndpointStats;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.sandbox.SandboxServer;
import java.net.URI;
import java.time.Duration;

/**
 * Issue 4's end-to-end benchmark: page every profile of a 100,000-profile sandbox at Klaviyo's
 * real limits with 50 ms latency, sequentially, partitioned in created order, and partitioned
 * without order, and report profiles/minute as a fraction of the tier's steady ceiling
 * (750 calls/min × 100 per page = 75,000 profiles/min).
 *
 * <p>Args: [profiles] [latencyMs] [modes, e.g. sequential,partitioned,unordered]. Each mode gets a fresh sandbox, so its rate windows start empty.
 */
public final class ProfilePagingBench {
    static final double CEILING_PER_MINUTE = 750.0 * 100;

    public static void main(String[] args) throws Exception {
        int profiles = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int latency = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        System.out.printf("profiles=%d latency=%dms ceiling=%.0f profiles/min%n", profiles, latency, CEILING_PER_MINUTE);
        String[] modes = args.length > 2 ? args[2].split(",") : new String[] {"sequential", "partitioned", "unordered"};
        for (String mode : modes) {
            SandboxOptions o = SandboxOptions.defaults().withProfiles(profiles).withLatencyMs(latency)
                    .withRateLimits(RateLimitMode.REAL).withApiKey("pk_bench");
            try (SandboxServer s = SandboxServer.start(o);
                 KlaviyoClient k = KlaviyoClient.builder(KlaviyoClientConfig.of(URI.create(String.valueOf(s.baseUrl()))),
                         ApiKey.of("pk_bench")).build()) {
                // sequential and partitioned keep created order; unordered asks for none, so
                // partitioned pages are handed on as they arrive
                ProfileQuery q = ProfileQuery.all().pageSize(100);
                if (!mode.equals("unordered")) q = q.sort("created");
                if (!mode.equals("sequential")) q = q.partitioned(Partitioning.auto());
                long t0 = System.nanoTime();
                long n;
                try (var stream = k.profiles(q)) {
                    n = stream.count();
                }
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                double perMinute = n * 60_000.0 / Math.max(1, took.toMillis());
                EndpointStats st = k.callStats().endpoint("get_profiles");
                System.out.printf("%-12s %,d profiles in %.1f s = %,.0f profiles/min = %.3f of ceiling "
                                + "(calls %d, 429s %d, retries %d, budget wait %d ms)%n",
                        mode, n, took.toMillis() / 1000.0, perMinute,
                        perMinute / CEILING_PER_MINUTE, st.calls(), st.throttled(), st.retries(), st.budgetWaitMs());
            }
        }
    }
}
