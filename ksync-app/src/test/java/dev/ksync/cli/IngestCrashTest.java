package dev.ksync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ksync.db.TestPostgres;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.sandbox.SandboxServer;
import dev.ksync.sandbox.stats.CallCounters;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 acceptance 4: {@code ksync ingest} in a child JVM is killed with {@code kill -9} while it pages profiles
 * into its open window transaction; a rerun loads the window again and the table holds each of the sandbox's profiles
 * exactly once. The killed run's log row, left {@code running}, is marked failed ({@code abandoned: …}) by the rerun.
 */
class IngestCrashTest {
    private static final String TABLE = "klaviyo_profiles_hist";
    /** The built-in hist datasources' default_start_time. */
    private static final Instant HIST_START = Instant.parse("2023-09-01T00:00:00Z");

    @RegisterExtension
    static final TestPostgres pg = new TestPostgres();

    static SandboxServer sandbox;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void startSandbox() {
        // 10,000 profiles at 100 ms a page: the profiles load takes seconds, so the kill lands mid-load.
        sandbox = SandboxServer.start(SandboxOptions.defaults().withProfiles(10_000).withHistoryDays(365)
                .withRateLimits(RateLimitMode.OFF).withLatencyMs(100));
    }

    @AfterAll
    static void stopSandbox() {
        sandbox.close();
    }

    @Test
    void acceptance4_kill_9_during_a_profiles_load_then_a_rerun_holds_every_profile_exactly_once() throws Exception {
        Map<String, String> env = env();
        ChildKsync.run(dataDir, env, "accounts", "add", "acme", "--key-env", "ACME_KEY");
        Jdbi db = pg.database().jdbi();
        String[] ingest = {"ingest", "--mode", "hist", "--only", "profiles", "--account-id", "acme"};

        try (ChildKsync killed = ChildKsync.launch(dataDir, env, ingest)) {
            ChildKsync.await("the profiles load paging", Duration.ofSeconds(120), () -> {
                if (!killed.process.isAlive()) throw new AssertionError("ingest ended before the kill:\n" + killed.output());
                return status(db).equals(List.of("running")) && profileCalls() >= 5;
            });
            killed.kill9();
        }
        // The window's transaction died with the session: not even the table it created is there.
        assertThat(tableExists(db)).as("table after the kill").isFalse();
        assertThat(status(db)).containsExactly("running");

        ChildKsync.Finished rerun = ChildKsync.finish(dataDir, env, ingest);
        assertThat(rerun.exitCode()).as(rerun.output()).isZero();

        List<String> ids = db.withHandle(h -> h.createQuery("select id from klaviyo_acme." + TABLE).mapTo(String.class).list());
        assertThat(ids).as("no profile doubled").doesNotHaveDuplicates();
        assertThat(new HashSet<>(ids)).as("every profile of the window, none lost").isEqualTo(truth(Instant.now()));
        assertThat(status(db)).as("newest first; " + rerun.output()).containsExactly("success", "error");
        String abandoned = db.withHandle(h -> h.createQuery("select error_message from ingestion_log"
                + " where table_name = :t and status = 'error'").bind("t", TABLE).mapTo(String.class).one());
        assertThat(abandoned).startsWith("abandoned:");
    }

    /** The sandbox's profiles created in the hist window (the rerun's window ends before {@code end}). */
    private static Set<String> truth(Instant end) {
        Set<String> out = new HashSet<>();
        var data = sandbox.data();
        for (int i = 0; i < data.profileCount(); i++) {
            var p = data.profile(i);
            if (!p.created().isBefore(HIST_START) && p.created().isBefore(end)) out.add(p.id());
        }
        assertThat(out).hasSizeGreaterThan(9_000);
        return out;
    }

    private static long profileCalls() {
        var byOperation = sandbox.stats().get("pk_sandbox");
        CallCounters.Operation op = byOperation == null ? null : byOperation.get("get_profiles");
        return op == null ? 0 : op.requests();
    }

    /** The ingestion_log statuses of the profiles table, newest first. */
    private static List<String> status(Jdbi db) {
        return db.withHandle(h -> h.createQuery("select status from ingestion_log where table_name = :t"
                + " order by id desc").bind("t", TABLE).mapTo(String.class).list());
    }

    private static boolean tableExists(Jdbi db) {
        return db.withHandle(h -> h.createQuery("select to_regclass(:t) is not null").bind("t", "klaviyo_acme." + TABLE)
                .mapTo(Boolean.class).one());
    }

    private static Map<String, String> env() {
        Map<String, String> e = new HashMap<>(Map.of("KLAVIYO_ENABLE", "true", "KLAVIYO_BASE_URL", sandbox.baseUrl(),
                "ACME_KEY", "pk_sandbox", "DATABASE_URL", pg.jdbcUrl(),
                "KSYNC_SECRET_KEY", "aW5nZXN0LWNyYXNoLXRlc3Qta2V5LTMyLWJ5dGVzISE="));
        return e;
    }
}
