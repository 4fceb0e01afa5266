package dev.ksync.bench;

import dev.ksync.accounts.AccountId;
import dev.ksync.app.Ksync;
import dev.ksync.backfill.BackfillParams;
import dev.ksync.backfill.BackfillStatus;
import dev.ksync.config.AppConfig;
import dev.ksync.config.Secret;
import dev.ksync.db.EmbeddedServer;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.sandbox.SandboxServer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Issue 13's benchmark: a 1-year backfill (orders included) of the demo account against a sandbox at Klaviyo's real
 * limits and latency, run in this thread as the scheduler's task would run it. Prints the Klaviyo calls by operation
 * as the sandbox counted them, the Placed Order events stored, the target (events / 1000 + 40), wall time and peak
 * heap.
 *
 * <p>Args: [profiles (default 5000, the demo account)] [latencyMs (default 100)] [years (default 1)].
 */
public final class BackfillBench {
    private static final String KEY = "pk_bench_demo";

    public static void main(String[] args) throws Exception {
        int profiles = args.length > 0 ? Integer.parseInt(args[0]) : SandboxOptions.DEFAULT_PROFILES;
        int latency = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int years = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        Path dir = Files.createTempDirectory("ksync-backfill-bench-");
        AccountId demo = new AccountId("demo");
        try (EmbeddedServer db = EmbeddedServer.serve(dir.resolve("pg"), 0);
             SandboxServer sandbox = SandboxServer.start(SandboxOptions.defaults().withProfiles(profiles)
                     .withHistoryDays(Math.max(SandboxOptions.DEFAULT_HISTORY_DAYS, 366 * years + 2))
                     .withApiKey(KEY).withRateLimits(RateLimitMode.REAL).withLatencyMs(latency));
             Ksync k = Ksync.start(AppConfig.load(Map.of("DATABASE_URL", db.databaseUrl().value(),
                     "KSYNC_SECRET_KEY", "bench-secret-key-0123456789", "KSYNC_DATA_DIR",
                     Files.createDirectories(dir.resolve("data")).toString(), "KLAVIYO_ENABLE", "true",
                     "KLAVIYO_BASE_URL", sandbox.baseUrl())))) {
            k.accounts().add(demo, "Demo", new Secret(KEY));
            System.out.printf("backfill: %d year(s), %,d profiles, real limits, %d ms latency%n", years, profiles,
                    latency);
            ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
            long t0 = System.nanoTime();
            k.backfill().start(demo, new BackfillParams(years, true, false));
            Instant again;
            while ((again = k.backfill().work(demo)) != null) { // the report quota: only past 225 reports a day
                System.out.println("waiting for the report quota until " + again);
                Thread.sleep(Math.max(1000, again.toEpochMilli() - System.currentTimeMillis()));
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            long peak = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(p -> p.getType() == MemoryType.HEAP).mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            BackfillStatus s = k.backfill().status(demo);
            var ops = sandbox.stats().getOrDefault(KEY, new TreeMap<>());
            long calls = ops.values().stream().mapToLong(c -> c.requests()).sum();
            long events = s.json().path("counts").path("orders").asLong();
            StringBuilder byOp = new StringBuilder();
            ops.forEach((op, c) -> byOp.append(byOp.isEmpty() ? "" : ", ").append(op).append(' ').append(c.requests())
                    .append(c.throttled() > 0 ? " (" + c.throttled() + " × 429)" : ""));
            System.out.printf("status %s, %d days, %,d Placed Order events, revenue %s, %d mismatching days%n",
                    s.status(), s.daysCompleted(), events, s.json().path("revenue").asText(),
                    s.json().path("validation").path("mismatches").size());
            System.out.printf("Klaviyo calls: %d (target <= %d = events / 1000 + 40): %s%n", calls, events / 1000 + 40,
                    byOp);
            System.out.printf("wall time %.1f s, peak heap %.0f MB%n", seconds, peak / 1048576.0);
        } finally {
            NightlyBench.deleteTree(dir);
        }
        System.exit(0); // the clients' non-daemon threads must not hold the JVM
    }
}
