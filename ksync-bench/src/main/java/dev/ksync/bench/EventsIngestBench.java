package dev.ksync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ksync.accounts.AccountId;
import dev.ksync.accounts.AccountService;
import dev.ksync.config.Secret;
import dev.ksync.db.Database;
import dev.ksync.db.EmbeddedServer;
import dev.ksync.ingest.CopyLoadProbe;
import dev.ksync.ingest.IngestMode;
import dev.ksync.ingest.IngestReport;
import dev.ksync.ingest.IngestRequest;
import dev.ksync.ingest.Ingestion;
import dev.ksync.klaviyo.ApiKey;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.KlaviyoClientConfig;
import dev.ksync.klaviyo.wire.KlaviyoTime;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.sandbox.SandboxServer;
import dev.ksync.sandbox.stats.CallCounters;
import dev.ksync.secrets.SecretBox;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 14's events benchmark, in two parts.
 *
 * <p><b>Fetch and load</b>: {@code ksync ingest --mode hist --only events} (the {@link Ingestion} runner, partitioned
 * paging, 1,000 a page, COPY into PostgreSQL in one transaction) against a sandbox at Klaviyo's real limits with
 * {@code latencyMs} per call. get_events is tier XL (spec: burst 350/s, steady 3,500/m), so the ceiling is 3,500
 * calls/min. Calls are counted as the sandbox received them, per Klaviyo fixed minute; <b>sustained</b> is the mean over
 * whole minutes (the first, partial one and the last left out), <b>overall</b> all calls over the whole load.
 *
 * <p><b>Loader only</b>: {@code copyRows} rows (the loaded events, given fresh ids) through the same COPY loader on one
 * connection, no Klaviyo in the loop: rows/s into PostgreSQL. The loader and its PostgreSQL backend take turns (each
 * batch is a synchronous COPY then an insert), so the wall-clock rate is about one core's worth.
 *
 * <p>Args: [profiles] [historyDays] [latencyMs] [copyRows].
 */
public final class EventsIngestBench {
    static final double CEILING_CALLS_PER_MINUTE = 3500;
    static final long WINDOW_MS = 60_000;
    static final Instant HIST_START = Instant.parse("2023-09-01T00:00:00Z");

    public static void main(String[] args) throws Exception {
        int profiles = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        int days = args.length > 1 ? Integer.parseInt(args[1]) : 365;
        int latency = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        int copyRows = args.length > 3 ? Integer.parseInt(args[3]) : 1_000_000;
        Path dir = Files.createTempDirectory("ksync-events-bench-");
        Clock clock = Clock.systemUTC();
        SandboxOptions o = SandboxOptions.defaults().withProfiles(profiles).withHistoryDays(days).withLatencyMs(latency)
                .withRateLimits(RateLimitMode.REAL).withApiKey("pk_bench");
        try (EmbeddedServer pg = EmbeddedServer.serve(dir.resolve("pg"), 0);
             Database db = Database.ofJdbcUrl(pg.databaseUrl().value());
             SandboxServer sandbox = SandboxServer.start(o)) {
            AtomicLong events = new AtomicLong();
            sandbox.data().forEachEvent(HIST_START, clock.instant(), e -> events.incrementAndGet());
            System.out.printf("profiles=%d historyDays=%d latency=%dms events in the hist window=%,d ceiling=%.0f calls/min%n",
                    profiles, days, latency, events.get(), CEILING_CALLS_PER_MINUTE);

            // ---- fetch and load ----
            KlaviyoClient client = KlaviyoClient.builder(KlaviyoClientConfig.of(URI.create(sandbox.baseUrl())),
                    ApiKey.of("pk_bench")).clock(clock).build();
            AccountService accounts = new AccountService(db.jdbi(), SecretBox.fromPassphrase(new Secret("bench passphrase 123")), clock);
            Ingestion ingestion = new Ingestion(db.jdbi(), id -> client, accounts, Ingestion.Settings.DEFAULT, clock);
            TreeMap<Long, long[]> samples = new TreeMap<>(); // ms → {calls, 429s}
            AtomicBoolean done = new AtomicBoolean();
            Thread monitor = Thread.ofPlatform().daemon().start(() -> {
                while (!done.get()) {
                    CallCounters.Operation op = Optional.ofNullable(sandbox.stats().get("pk_bench"))
                            .map(m -> m.get("get_events")).orElse(new CallCounters.Operation(0, 0, 0));
                    synchronized (samples) {
                        samples.put(clock.millis(), new long[] {op.requests(), op.throttled()});
                    }
                    try {
                        Thread.sleep(100); // sampling period of a counter, not a wait for an outcome
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            long t0 = clock.millis();
            IngestReport report = ingestion.run(new IngestRequest(IngestMode.HIST,
                    Optional.of(AccountId.of("accountId", "bench")), Optional.empty(), Set.of("events")));
            long t1 = clock.millis();
            done.set(true);
            monitor.join();
            IngestReport.Result r = report.datasources().get(0);
            long[] last;
            synchronized (samples) {
                last = samples.lastEntry().getValue();
            }
            System.out.printf("fetch+load: status %s, %,d rows in %.1f s = %,.0f rows/s; %d get_events calls, %d x 429%s%n",
                    r.status(), r.rows(), (t1 - t0) / 1000.0, r.rows() * 1000.0 / (t1 - t0), last[0], last[1],
                    r.error() == null ? "" : ", error " + r.error());
            List<Long> whole = new ArrayList<>();
            for (long w = t0 / WINDOW_MS + 1; (w + 1) * WINDOW_MS <= t1; w++) {
                long calls = at(samples, (w + 1) * WINDOW_MS) - at(samples, w * WINDOW_MS);
                whole.add(calls);
                System.out.printf("  minute %d: %,d calls = %.3f of the ceiling%n", whole.size(), calls,
                        calls / CEILING_CALLS_PER_MINUTE);
            }
            double sustained = whole.stream().mapToLong(Long::longValue).average().orElse(Double.NaN);
            double overall = last[0] * 60_000.0 / (t1 - t0);
            System.out.printf("calls/min: sustained %.0f = %.3f of the ceiling over %d whole minutes; overall %.0f = %.3f%n",
                    sustained, sustained / CEILING_CALLS_PER_MINUTE, whole.size(), overall, overall / CEILING_CALLS_PER_MINUTE);
            client.close();

            // ---- loader only ----
            ObjectMapper json = new ObjectMapper();
            List<JsonNode> base = db.jdbi().withHandle(h -> h.createQuery(
                    "select record::text from klaviyo_bench.klaviyo_events_hist order by id limit 5000")
                    .mapTo(String.class).list()).stream().map(s -> read(json, s)).toList();
            Iterator<JsonNode> rows = new Iterator<>() {
                int i;

                @Override
                public boolean hasNext() {
                    return i < copyRows;
                }

                @Override
                public JsonNode next() {
                    ObjectNode n = (ObjectNode) base.get(i % base.size());
                    n.put("id", "bench-" + i++); // serialized by the loader at once: reusing the node is safe
                    return n;
                }
            };
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            long c0 = System.nanoTime();
            int[] backend = {0};
            double[] backendCpu0 = {0};
            long loaded = CopyLoadProbe.load(db.jdbi(), "klaviyo_bench", "copy_bench", Ingestion.Settings.DEFAULT.batchRows(),
                    rows, n -> KlaviyoTime.parse(n.path("attributes").path("datetime").asText(null)), pid -> {
                        backend[0] = pid;
                        backendCpu0[0] = cpuSeconds(pid);
                    });
            double secs = (System.nanoTime() - c0) / 1e9;
            double jvmCpu = (os.getProcessCpuTime() - cpu0) / 1e9; // the whole JVM (the sandbox is idle by now)
            double pgCpu = cpuSeconds(backend[0]) - backendCpu0[0];
            System.out.printf("loader only: %,d rows in %.1f s wall = %,.0f rows/s on one connection; CPU: JVM %.1f s +"
                    + " PostgreSQL backend %.1f s = %,.0f rows per CPU-second (batches of %d; load average %.1f on %d cores)%n",
                    loaded, secs, loaded / secs, jvmCpu, pgCpu, loaded / (jvmCpu + pgCpu),
                    Ingestion.Settings.DEFAULT.batchRows(), os.getSystemLoadAverage(), os.getAvailableProcessors());
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(0);
    }

    /** Cumulative calls at {@code ms}: the last sample taken at or before it. */
    private static long at(TreeMap<Long, long[]> samples, long ms) {
        synchronized (samples) {
            Map.Entry<Long, long[]> e = samples.floorEntry(ms);
            return e == null ? 0 : e.getValue()[0];
        }
    }

    /** A process's user + system CPU time from /proc (Linux; clock ticks of 1/100 s). */
    private static double cpuSeconds(int pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // fields 14 and 15 of stat
        } catch (java.io.IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private static JsonNode read(ObjectMapper json, String s) {
        try {
            return json.readTree(s);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
