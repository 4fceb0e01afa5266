package dev.ksync.bench;

import dev.ksync.accounts.AccountId;
import dev.ksync.app.Ksync;
import dev.ksync.config.AppConfig;
import dev.ksync.config.Secret;
import dev.ksync.db.Database;
import dev.ksync.db.EmbeddedServer;
import dev.ksync.orchestrator.UpdateAnswer;
import dev.ksync.orchestrator.UpdateRequest;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.sandbox.SandboxServer;
import dev.ksync.sandbox.stats.CallCounters;
import dev.ksync.snapshot.Snapshot;
import dev.ksync.sync.Mode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Issue 12's benchmarks of the nightly update, each on one embedded PostgreSQL and one in-process sandbox.
 *
 * <p><b>patch</b>: a demo account (5,000 profiles by default) is made ready by a full update at scaled limits (to
 * save time), then the nightly run — a patch of the last KSYNC_PATCH_DAYS days — is measured against a fresh sandbox
 * with the same seed at Klaviyo's REAL limits and the given latency: wall time, report calls and every Klaviyo call
 * by operation as the sandbox counted them.
 *
 * <p><b>fleet</b>: N accounts, each its own key on one sandbox (all keys see the same generated data, each with its
 * own rate budgets), two scheduler nodes (two Ksync instances in this JVM) on the one database; the nightly cron is
 * set to fire once, a few seconds ahead. It reports the wall time from the firing until every account's run has
 * ended, the snapshots per account (each must be exactly 1) and the calls.
 *
 * <p>Args: {@code patch [profiles] [latencyMs]} or {@code fleet [accounts] [profiles] [latencyMs] [rateLimits]
 * [threadsPerNode]} (rateLimits: real, off or scaled:N; the client's KLAVIYO_RATE_SCALE follows it).
 */
public final class NightlyBench {
    private static final String SECRET_KEY = "bench-secret-key-0123456789";

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "patch";
        Path dir = Files.createTempDirectory("ksync-nightly-bench-");
        try (EmbeddedServer db = EmbeddedServer.serve(dir.resolve("pg"), 0)) {
            Path data = Files.createDirectories(dir.resolve("data"));
            switch (what) {
                case "patch" -> patch(db, data, intArg(args, 1, 5_000), intArg(args, 2, 100));
                case "fleet" -> fleet(db, data, intArg(args, 1, 100), intArg(args, 2, 200), intArg(args, 3, 100),
                        RateLimitMode.parse(args.length > 4 ? args[4] : "scaled:10"), intArg(args, 5, 8));
                default -> throw new IllegalArgumentException("first argument: patch or fleet, got " + what);
            }
        } finally {
            deleteTree(dir);
        }
        System.exit(0); // the scheduler's and HTTP clients' non-daemon threads must not hold the JVM
    }

    // ---- (a) the nightly patch of one ready account at real limits ----

    static void patch(EmbeddedServer db, Path data, int profiles, int latency) {
        AccountId demo = new AccountId("demo");
        String key = "pk_bench_demo";
        System.out.printf("nightly patch: %,d profiles, real limits, %d ms latency%n", profiles, latency);
        SandboxOptions base = SandboxOptions.defaults().withProfiles(profiles).withApiKey(key);
        // The full update that makes the snapshot ready, at 60× limits: its report calls would take minutes at 2/min.
        try (SandboxServer fast = SandboxServer.start(base.withRateLimits(RateLimitMode.scaled(60)));
             Ksync k = Ksync.start(AppConfig.load(env(db, data, fast, 60, Map.of())))) {
            k.accounts().add(demo, "Demo", new Secret(key));
            long t0 = System.nanoTime();
            UpdateAnswer full = k.orchestrator().run(new UpdateRequest(Mode.LIVE, Optional.of(demo), Optional.empty(),
                    Optional.empty(), false, Optional.empty(), null, Optional.empty()));
            System.out.printf("full update (scaled:60 limits, 0 ms latency): status %d in %.1f s; %s%n", full.status(),
                    seconds(t0), full.text());
            requireReady(k, demo);
        }
        // Same seed, so the same data; fresh rate windows at Klaviyo's real limits.
        try (SandboxServer real = SandboxServer.start(base.withRateLimits(RateLimitMode.REAL).withLatencyMs(latency));
             Ksync k = Ksync.start(AppConfig.load(env(db, data, real, 1, Map.of())))) {
            long t0 = System.nanoTime();
            UpdateAnswer nightly = k.orchestrator().run(UpdateRequest.nightly(demo, Instant.now()));
            double took = seconds(t0);
            System.out.printf("nightly patch (real limits, %d ms latency): status %d in %.1f s; %s%n", latency,
                    nightly.status(), took, nightly.text());
            SortedMap<String, CallCounters.Operation> ops = real.stats().getOrDefault(key, new TreeMap<>());
            long reports = ops.entrySet().stream().filter(e -> e.getKey().startsWith("query_"))
                    .mapToLong(e -> e.getValue().requests()).sum();
            System.out.printf("report calls (sandbox): %d; all calls by operation: %s%n", reports, describe(ops));
            List<Snapshot> made = k.snapshots().list(demo);
            System.out.printf("snapshots of demo: %d, newest %s%n", made.size(), made.isEmpty() ? "-"
                    : made.getFirst().status());
        }
    }

    // ---- (b) N accounts, two scheduler nodes, the nightly cron firing once ----

    static void fleet(EmbeddedServer db, Path data, int accounts, int profiles, int latency, RateLimitMode limits,
            int threads) throws Exception {
        List<String> keys = IntStream.range(0, accounts).mapToObj(i -> String.format("pk_bench_%03d", i)).toList();
        int scale = limits.kind() == RateLimitMode.Kind.SCALED ? limits.factor() : 1;
        System.out.printf("fleet: %d accounts × %,d profiles on one sandbox (%s limits, %d ms latency),"
                + " 2 nodes × %d threads%n", accounts, profiles, limits, latency, threads);
        SandboxOptions o = SandboxOptions.defaults().withProfiles(profiles).withApiKey(String.join(",", keys))
                .withRateLimits(limits).withLatencyMs(latency);
        // fires once: at a second a little ahead, on today's date only
        ZonedDateTime fire = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(20).withNano(0);
        String cron = fire.getSecond() + " " + fire.getMinute() + " " + fire.getHour() + " " + fire.getDayOfMonth()
                + " " + fire.getMonthValue() + " *";
        try (SandboxServer sandbox = SandboxServer.start(o)) {
            Map<String, String> schedule = Map.of("KSYNC_NIGHTLY_CRON", cron, "KSYNC_SCHEDULER_POLL_S", "1",
                    "KSYNC_SCHEDULER_HEARTBEAT_S", "2", "KSYNC_SCHEDULER_THREADS", String.valueOf(threads));
            // the bench watches on its own connections, so it does not draw from the nodes' pools
            try (Ksync one = Ksync.start(AppConfig.load(env(db, data, sandbox, scale, schedule)));
                 Ksync two = Ksync.start(AppConfig.load(env(db, data, sandbox, scale, schedule)));
                 Database watch = Database.ofJdbcUrl(db.databaseUrl().value())) {
                for (int i = 0; i < accounts; i++) {
                    one.accounts().add(new AccountId(String.format("shop-%03d", i)), null, new Secret(keys.get(i)));
                }
                one.scheduler().start();
                two.scheduler().start();
                System.out.printf("nightly cron '%s' (UTC) fires at %s%n", cron, fire.toInstant());
                Instant start = fire.toInstant();
                while (ended(watch) < accounts) {
                    Thread.sleep(250); // polls the running schedulers' progress
                }
                double took = (System.currentTimeMillis() - start.toEpochMilli()) / 1000.0;
                one.scheduler().close();
                two.scheduler().close();
                Map<Integer, Long> perAccount = new TreeMap<>();
                long ready = 0;
                for (int i = 0; i < accounts; i++) {
                    List<Snapshot> made = one.snapshots().list(new AccountId(String.format("shop-%03d", i)));
                    perAccount.merge(made.size(), 1L, Long::sum);
                    ready += made.stream().filter(s -> s.status() == Snapshot.Status.READY).count();
                }
                List<String> runs = watch.jdbi().withHandle(h -> h.createQuery(
                        "select status || ' × ' || count(*) || ', attempts ' || sum(attempts) from nightly_runs"
                                + " group by status order by status").mapTo(String.class).list());
                System.out.printf("all %d nightly runs ended %.1f s after the firing; nightly_runs: %s%n", accounts,
                        took, runs);
                System.out.printf("snapshots per account → accounts: %s; ready snapshots: %d%n", perAccount, ready);
                SortedMap<String, Long> byOp = new TreeMap<>();
                long throttled = 0;
                for (SortedMap<String, CallCounters.Operation> ops : sandbox.stats().values()) {
                    for (Map.Entry<String, CallCounters.Operation> e : ops.entrySet()) {
                        byOp.merge(e.getKey(), e.getValue().requests(), Long::sum);
                        throttled += e.getValue().throttled();
                    }
                }
                System.out.printf("Klaviyo calls over all keys by operation: %s; 429s: %d%n", byOp, throttled);
            }
        }
    }

    /** Accounts whose nightly run for the day is over, whoever ran it. */
    private static int ended(Database db) {
        return db.jdbi().withHandle(h -> h.createQuery(
                "select count(*) from nightly_runs where status not in ('scheduled', 'running')")
                .mapTo(Integer.class).one());
    }

    // ---- shared ----

    private static Map<String, String> env(EmbeddedServer db, Path data, SandboxServer sandbox, int rateScale,
            Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", db.databaseUrl().value());
        env.put("KSYNC_SECRET_KEY", SECRET_KEY);
        env.put("KSYNC_DATA_DIR", data.toString());
        env.put("KLAVIYO_ENABLE", "true");
        env.put("KLAVIYO_BASE_URL", sandbox.baseUrl());
        env.put("KLAVIYO_RATE_SCALE", String.valueOf(rateScale));
        env.putAll(extra);
        return env;
    }

    private static void requireReady(Ksync k, AccountId account) {
        if (k.snapshots().newestReady(account).isEmpty()) {
            throw new IllegalStateException("the full update left no ready snapshot");
        }
    }

    private static String describe(SortedMap<String, CallCounters.Operation> ops) {
        StringBuilder b = new StringBuilder();
        ops.forEach((op, c) -> b.append(b.isEmpty() ? "" : ", ").append(op).append(' ').append(c.requests())
                .append(c.throttled() > 0 ? " (" + c.throttled() + " × 429)" : ""));
        return b.toString();
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static int intArg(String[] args, int i, int fallback) {
        return args.length > i ? Integer.parseInt(args[i]) : fallback;
    }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
