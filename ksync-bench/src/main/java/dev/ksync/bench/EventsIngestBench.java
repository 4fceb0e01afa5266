package dev.ksync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.OperatingSystemMXBean;
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
import dev.ksync.klaviyo.wire.RawResource;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.sandbox.SandboxServer;
import dev.ksync.sandbox.stats.CallCounters;
import dev.ksync.secrets.SecretBox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
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
 * <p>The run's CPU is split by part ({@link CpuMeter}): the sandbox (which shares this machine only in the benchmark),
 * the client's paging, the ingestion's encoder and loader threads, the JVM, PostgreSQL; per page fetched, against the
 * CPU a page may take at the ceiling on this machine.
 *
 * <p><b>Loader only</b>: {@code copyRows} rows (the loaded events, given fresh Klaviyo-like ids) through the same
 * loader ({@code RawTable.load}: encoder thread, binary COPY straight into the table) on one connection, no Klaviyo
 * in the loop, twice: a first load (the table created in the loading transaction) and an append to the filled table.
 * Rows per CPU-second of the loader's threads and PostgreSQL's processes, which a shared machine does not distort as
 * it does wall-clock rows/s.
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
            Ingestion ingestion = new Ingestion(db.jdbi(), (id, key) -> client, accounts, Ingestion.Settings.DEFAULT, clock);
            TreeMap<Long, long[]> samples = new TreeMap<>(); // ms → {calls, 429s, machine busy, idle, stolen (1/100 s)}
            AtomicBoolean done = new AtomicBoolean();
            Thread monitor = Thread.ofPlatform().daemon().name("bench-monitor").start(() -> {
                while (!done.get()) {
                    CallCounters.Operation op = Optional.ofNullable(sandbox.stats().get("pk_bench"))
                            .map(m -> m.get("get_events")).orElse(new CallCounters.Operation(0, 0, 0));
                    long[] machine = machineCpu();
                    synchronized (samples) {
                        samples.put(clock.millis(), new long[] {op.requests(), op.throttled(), machine[0], machine[1], machine[2]});
                    }
                    try {
                        Thread.sleep(100); // sampling period of a counter, not a wait for an outcome
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            CpuMeter cpu = new CpuMeter(postmasterPid(dir.resolve("pg")));
            System.out.printf("load average before: %s%n", loadAverage());
            long t0 = clock.millis();
            IngestReport report = ingestion.run(new IngestRequest(IngestMode.HIST,
                    Optional.of(AccountId.of("accountId", "bench")), Optional.empty(), Set.of("events"), Optional.empty()));
            long t1 = clock.millis();
            Map<String, Double> spent = cpu.stop();
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
                long[] from = at(samples, w * WINDOW_MS), to = at(samples, (w + 1) * WINDOW_MS);
                long calls = to[0] - from[0];
                whole.add(calls);
                // the whole machine: what the kernel spends writing PostgreSQL's files back shows here, not in any process
                System.out.printf("  minute %d: %,d calls = %.3f of the ceiling; the machine busy %.2f cores, idle %.2f,"
                                + " stolen by the host %.2f%n", whole.size(), calls, calls / CEILING_CALLS_PER_MINUTE,
                        (to[2] - from[2]) / 6000.0, (to[3] - from[3]) / 6000.0, (to[4] - from[4]) / 6000.0);
            }
            long lastCall;
            synchronized (samples) {
                lastCall = samples.entrySet().stream().filter(e -> e.getValue()[0] == last[0]).findFirst().orElseThrow().getKey();
            }
            System.out.printf("last call at %.1f s: %.3f of the ceiling while paging; the %.1f s after it build the unique"
                            + " key and commit%n", (lastCall - t0) / 1000.0,
                    last[0] * 60_000.0 / (lastCall - t0) / CEILING_CALLS_PER_MINUTE, (t1 - lastCall) / 1000.0);
            double sustained = whole.stream().mapToLong(Long::longValue).average().orElse(Double.NaN);
            double overall = last[0] * 60_000.0 / (t1 - t0);
            System.out.printf("calls/min: sustained %.0f = %.3f of the ceiling over %d whole minutes; overall %.0f = %.3f%n",
                    sustained, sustained / CEILING_CALLS_PER_MINUTE, whole.size(), overall, overall / CEILING_CALLS_PER_MINUTE);
            // Where the CPU went, per 1,000 events (a full page), against what 1,000 events may take at the ceiling on
            // this machine (2 cores / 58,333 events a second = 34 ms of CPU, if nothing else ran)
            double thousands = Math.max(1, r.rows()) / 1000.0;
            double budget = Runtime.getRuntime().availableProcessors() * 60_000.0 / CEILING_CALLS_PER_MINUTE;
            System.out.printf("CPU per 1,000 events (ms): %s; all %.1f against %.1f available at the ceiling"
                    + " (load average after: %s)%n", String.join(", ", spent.entrySet().stream()
                            .map(e -> String.format("%s %.1f", e.getKey(), e.getValue() * 1000 / thousands)).toList()),
                    spent.values().stream().mapToDouble(Double::doubleValue).sum() * 1000 / thousands, budget, loadAverage());
            double ksync = spent.entrySet().stream().filter(e -> !e.getKey().startsWith("sandbox") && !e.getKey().equals("bench"))
                    .mapToDouble(Map.Entry::getValue).sum() * 1000 / thousands;
            System.out.printf("ksync's side (all but the sandbox and the bench's counters): %.1f ms CPU per 1,000 events"
                    + " = %.2f cores at the ceiling%n", ksync, ksync * CEILING_CALLS_PER_MINUTE / 60_000);
            client.close();

            // ---- loader only ----
            ObjectMapper json = new ObjectMapper();
            List<JsonNode> base = db.jdbi().withHandle(h -> h.createQuery(
                    "select record::text from klaviyo_bench.klaviyo_events_hist order by id limit 5000")
                    .mapTo(String.class).list()).stream().map(s -> read(json, s)).toList();
            Random random = new Random(42);
            int postmaster = postmasterPid(dir.resolve("pg"));
            // A first load creates the table in the transaction that fills it (no WAL on the embedded server); an
            // append writes into a table that holds rows already, as every later window does.
            loaderOnly(db, postmaster, "first load (new table)", records(json, base, copyRows, random));
            loaderOnly(db, postmaster, "append (existing table)", records(json, base, copyRows, random));
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(0);
    }

    /**
     * {@code n} records with fresh ids shaped like Klaviyo's (random base62, so the unique index takes them in no
     * order), built before the clock starts: what the loader is handed in a real run (the page's bytes, parsed once
     * by the client), not the work of making test data.
     */
    private static List<RawResource> records(ObjectMapper json, List<JsonNode> base, int n, Random random)
            throws IOException {
        String digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        List<RawResource> rows = new ArrayList<>(n);
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < n; i++) {
            id.setLength(0);
            for (int k = 0; k < 11; k++) id.append(digits.charAt(random.nextInt(digits.length())));
            ObjectNode node = ((ObjectNode) base.get(i % base.size())).put("id", id.append('-').append(i).toString());
            rows.add(RawResource.of(json.writeValueAsBytes(node)));
        }
        return rows;
    }

    /** The loader alone on one connection into {@code klaviyo_bench.copy_bench}: rows per CPU-second. */
    private static void loaderOnly(Database db, int postmaster, String label, List<RawResource> rows) throws Exception {
        var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        System.gc(); // the records built before are not the loader's garbage
        long c0 = System.nanoTime();
        long[] machine0 = machineCpu();
        long[] loaded = {0};
        CpuMeter meter = new CpuMeter(postmaster);
        // on a thread named as the ingestion's own, so the meter counts it as the loader
        Thread.ofPlatform().name("ksync-ingest-probe").start(() -> loaded[0] = CopyLoadProbe.load(db.jdbi(),
                "klaviyo_bench", "copy_bench", Ingestion.Settings.DEFAULT.batchRows(), rows.iterator(),
                r -> KlaviyoTime.parse(r.attribute("datetime").asText(null)))).join();
        double secs = (System.nanoTime() - c0) / 1e9;
        Map<String, Double> parts = meter.stop();
        double stolen = (machineCpu()[2] - machine0[2]) / 100.0 / secs;
        double threads = parts.getOrDefault("ingest encoder", 0.0) + parts.getOrDefault("ingest loader", 0.0);
        double pgCpu = parts.get("PostgreSQL"); // every PostgreSQL process: the backend, WAL writer, checkpointer
        double jvmOther = parts.getOrDefault("JVM (GC, JIT, other)", 0.0);
        long n = loaded[0];
        if (n == 0) return;
        System.out.printf("loader only, %s: %,d rows in %.1f s wall = %,.0f rows/s on one connection; CPU a row:"
                        + " encoder + loader threads %.1f us + PostgreSQL %.1f us = %,.0f rows per CPU-second"
                        + " (PostgreSQL's alone: %,.0f; the JVM's GC and JIT besides: %.1f us a row); batches of %d;"
                        + " load average %s on %d cores, %.2f of them stolen by the host%n",
                label, n, secs, n / secs, threads * 1e6 / n, pgCpu * 1e6 / n, n / (threads + pgCpu), n / pgCpu,
                jvmOther * 1e6 / n, Ingestion.Settings.DEFAULT.batchRows(), loadAverage(), os.getAvailableProcessors(), stolen);
    }

    /**
     * CPU seconds by part of the run, sampled every 200 ms: this JVM's threads by name (the sandbox's Jetty
     * threads; the client's paging, which runs on virtual threads and the HTTP client's; the ingestion's encoder and
     * loader threads; the JVM itself: GC, JIT) and the embedded PostgreSQL's processes (/proc). Threads that end
     * between two samples lose at most their last 200 ms.
     */
    static final class CpuMeter {
        private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        private final int postmaster;
        private final Map<Long, Long> threadCpu = new HashMap<>();
        private final Map<Long, String> threadPart = new HashMap<>();
        private final Map<Integer, Double> pgCpu = new HashMap<>();
        private final Map<Integer, Double> pgStart = new HashMap<>();
        private final Map<String, Double> spent = new TreeMap<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread sampler;

        private final OperatingSystemMXBean os =
                (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        private final long process0 = os.getProcessCpuTime();

        CpuMeter(int postmaster) {
            this.postmaster = postmaster;
            sample(true);
            sampler = Thread.ofPlatform().daemon().name("bench-cpu-meter").start(() -> {
                while (!stop.get()) {
                    try {
                        Thread.sleep(200); // sampling period, not a wait for an outcome
                    } catch (InterruptedException e) {
                        return;
                    }
                    sample(false);
                }
            });
        }

        private static String part(String name) {
            if (name.startsWith("JettyServerThreadPool") || name.startsWith("qtp")) return "sandbox (Jetty)";
            if (name.startsWith("ForkJoinPool") || name.startsWith("HttpClient")) return "client paging";
            if (name.startsWith("ksync-ingest-encode")) return "ingest encoder";
            if (name.startsWith("ksync-ingest-")) return "ingest loader";
            if (name.startsWith("bench-")) return "bench";
            return "JVM (GC, JIT, other)";
        }

        private synchronized void sample(boolean first) {
            for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info == null) continue;
                long t = threads.getThreadCpuTime(info.getThreadId());
                if (t < 0) continue;
                Long before = threadCpu.put(info.getThreadId(), t);
                threadPart.putIfAbsent(info.getThreadId(), part(info.getThreadName()));
                if (!first) spent.merge(threadPart.get(info.getThreadId()), (t - (before == null ? 0 : before)) / 1e9, Double::sum);
            }
            try (var procs = Files.list(Path.of("/proc"))) {
                procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                    int pid = Integer.parseInt(p.getFileName().toString());
                    double[] st = stat(pid);
                    if (st == null || (pid != postmaster && (int) st[0] != postmaster)) return;
                    if (first) pgStart.put(pid, st[1]);
                    pgCpu.put(pid, st[1]);
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** CPU seconds by part since the meter started. */
        synchronized Map<String, Double> stop() {
            stop.set(true);
            sampler.interrupt();
            sample(false);
            Map<String, Double> out = new TreeMap<>(spent);
            // GC and compiler threads are no Java threads the bean lists: the process's CPU beyond its threads' is theirs
            double threadsTotal = spent.values().stream().mapToDouble(Double::doubleValue).sum();
            out.merge("JVM (GC, JIT, other)", Math.max(0, (os.getProcessCpuTime() - process0) / 1e9 - threadsTotal), Double::sum);
            out.put("PostgreSQL", pgCpu.entrySet().stream()
                    .mapToDouble(e -> e.getValue() - pgStart.getOrDefault(e.getKey(), 0.0)).sum());
            return out;
        }
    }

    /** {ppid, user + system CPU seconds} of a process, or null. */
    private static double[] stat(int pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new double[] {Integer.parseInt(f[1]), (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The embedded PostgreSQL's postmaster: the first line of postmaster.pid under {@code dir}. */
    private static int postmasterPid(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            Path pidFile = files.filter(p -> p.getFileName().toString().equals("postmaster.pid")).findFirst().orElseThrow();
            return Integer.parseInt(Files.readAllLines(pidFile).getFirst().trim());
        }
    }

    private static String loadAverage() {
        try {
            return String.join(" ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
        } catch (IOException e) {
            return "?";
        }
    }

    /** The last sample taken at or before {@code ms} (calls, 429s, machine CPU: all cumulative), zeros before any. */
    private static long[] at(TreeMap<Long, long[]> samples, long ms) {
        synchronized (samples) {
            Map.Entry<Long, long[]> e = samples.floorEntry(ms);
            return e == null ? new long[5] : e.getValue();
        }
    }

    /**
     * {busy, idle, stolen} CPU of the whole machine in 1/100 s since boot (/proc/stat; iowait counts as idle; stolen:
     * time the virtual machine's host ran something else while this machine wanted a core).
     */
    private static long[] machineCpu() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7}) busy += Long.parseLong(f[i]); // user, nice, system, irq, softirq
            return new long[] {busy, Long.parseLong(f[4]) + Long.parseLong(f[5]), Long.parseLong(f[8])};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode read(ObjectMapper json, String s) {
        try {
            return json.readTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
