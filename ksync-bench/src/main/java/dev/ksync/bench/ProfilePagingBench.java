package dev.ksync.bench;

import dev.ksync.klaviyo.ApiKey;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.KlaviyoClientConfig;
import dev.ksync.klaviyo.Partitioning;
import dev.ksync.klaviyo.Listings;
import dev.ksync.klaviyo.Query;
import dev.ksync.klaviyo.stats.EndpointStats;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.sandbox.SandboxServer;
import java.net.URI;
import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Issue 4's and 10's end-to-end benchmark: page the profiles of a sandbox at Klaviyo's real limits and latency,
 * sequentially, partitioned in created order, and partitioned without order, and report profiles/minute as a
 * fraction of the tier's steady ceiling (750 calls/min × 100 per page = 75,000 profiles/min), with the 429s met.
 *
 * <p>Two figures per mode. <b>Sustained</b>: the mean over whole steady windows (Klaviyo's fixed minutes), leaving
 * out the first, partial one — where a run may spend that window's whole budget in seconds — and the last; a mode
 * stops once {@code windows} whole windows have passed (or the profiles run out). <b>Overall</b>: all profiles over
 * the whole run, burst included.
 *
 * <p>Args: [profiles] [latencyMs] [modes, e.g. sequential,partitioned,unordered] [windows]. Each mode gets a fresh
 * sandbox, so its rate windows start empty.
 */
public final class ProfilePagingBench {
    static final double CEILING_PER_MINUTE = 750.0 * 100;
    static final long WINDOW_MS = 60_000;

    public static void main(String[] args) throws Exception {
        int profiles = args.length > 0 ? Integer.parseInt(args[0]) : 400_000;
        int latency = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        String[] modes = args.length > 2 ? args[2].split(",") : new String[] {"sequential", "partitioned", "unordered"};
        int windows = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        Clock clock = Clock.systemUTC();
        System.out.printf("profiles=%d latency=%dms windows=%d ceiling=%.0f profiles/min%n", profiles, latency, windows,
                CEILING_PER_MINUTE);
        for (String mode : modes) {
            SandboxOptions o = SandboxOptions.defaults().withProfiles(profiles).withLatencyMs(latency)
                    .withRateLimits(RateLimitMode.REAL).withApiKey("pk_bench");
            try (SandboxServer s = SandboxServer.start(o);
                 KlaviyoClient k = KlaviyoClient.builder(KlaviyoClientConfig.of(URI.create(String.valueOf(s.baseUrl()))),
                         ApiKey.of("pk_bench")).clock(clock).build()) {
                // sequential and partitioned keep created order; unordered asks for none, so
                // partitioned pages are handed on as they arrive
                Query q = Query.all().pageSize(100);
                if (!mode.equals("unordered")) q = q.sort("created");
                if (!mode.equals("sequential")) q = q.partitioned(Partitioning.auto());
                Map<Long, Long> perWindow = new TreeMap<>();
                long t0 = clock.millis();
                long stopAt = (t0 / WINDOW_MS + windows + 1) * WINDOW_MS; // the end of the last whole window
                long n = 0;
                try (var stream = k.list(Listings.PROFILES, q, page -> perWindow.merge(clock.millis() / WINDOW_MS, (long) page.records(), Long::sum))) {
                    Iterator<?> it = stream.iterator();
                    while (it.hasNext() && clock.millis() < stopAt) {
                        it.next();
                        n++;
                    }
                }
                long took = clock.millis() - t0;
                long first = t0 / WINDOW_MS;
                long whole = perWindow.keySet().stream().filter(w -> w > first && (w + 1) * WINDOW_MS <= clock.millis()).count();
                double sustained = perWindow.entrySet().stream().filter(e -> e.getKey() > first && (e.getKey() + 1) * WINDOW_MS <= clock.millis())
                        .mapToLong(Map.Entry::getValue).average().orElse(Double.NaN);
                double overall = n * 60_000.0 / Math.max(1, took);
                EndpointStats st = k.callStats().endpoint("get_profiles");
                System.out.printf("%-12s sustained %.3f of ceiling over %d whole windows (%,.0f profiles/min); overall %,d profiles"
                                + " in %.1f s = %.3f; calls %d, 429s %d, retries %d, budget wait %d ms%n",
                        mode, sustained / CEILING_PER_MINUTE, whole, sustained, n, took / 1000.0,
                        overall / CEILING_PER_MINUTE, st.calls(), st.throttled(), st.retries(), st.budgetWaitMs());
            }
        }
    }
}
