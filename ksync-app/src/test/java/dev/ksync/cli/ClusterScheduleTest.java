package dev.ksync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.accounts.AccountId;
import dev.ksync.accounts.AccountService;
import dev.ksync.config.Secret;
import dev.ksync.db.Database;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.sandbox.SandboxServer;
import dev.ksync.secrets.SecretBox;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code ksync serve} JVMs on one {@code ksync db serve}: the nightly schedule, firing every 2 s on both, gives
 * each account one run for the day; after {@code kill -9} of one node, the other goes on firing and still schedules
 * nobody twice. With a (slow) sandbox behind them, a node killed while it updates accounts leaves those accounts to
 * the survivor, which finishes them with one ready snapshot each (issue 12, point 4).
 */
class ClusterScheduleTest {
    private static final String KEY = "cluster-test-secret-key-0123";
    private static final Pattern URL = Pattern.compile("DATABASE_URL=(\\S+)");
    private static final String ADMIN = "cluster-admin-secret";
    private static final ObjectMapper json = new ObjectMapper();
    private static final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void two_serve_nodes_on_one_database_run_each_account_once_a_day_and_survive_a_kill_9() throws Exception {
        try (ChildKsync db = ChildKsync.start(dir, Map.of(), URL, "db", "serve", "--port", "0")) {
            String url = db.url;
            List<String> ids = java.util.stream.IntStream.range(0, 10).mapToObj(i -> "shop-" + i).toList();
            try (Database database = Database.ofJdbcUrl(url)) {
                AccountService accounts = new AccountService(database.jdbi(), SecretBox.fromPassphrase(new Secret(KEY)),
                        Clock.systemUTC());
                for (String id : ids) {
                    accounts.add(new AccountId(id), null, new Secret("pk_test_0123456789" + id));
                }
                Map<String, String> env = Map.of("DATABASE_URL", url, "KSYNC_SECRET_KEY", KEY,
                        "KSYNC_NIGHTLY_CRON", "*/2 * * * * *", "KSYNC_SCHEDULER_POLL_S", "1",
                        "KSYNC_SCHEDULER_HEARTBEAT_S", "1", "ADMIN_JOB_SECRET", "s");
                try (ChildKsync one = ChildKsync.serve(Files.createDirectories(dir.resolve("one")), env);
                     ChildKsync two = ChildKsync.serve(Files.createDirectories(dir.resolve("two")), env)) {
                    ChildKsync.await("every account's run for the day to end", Duration.ofSeconds(120),
                            () -> finished(database) == ids.size());
                    one.kill9();
                    Instant killed = Instant.now();
                    // the survivor keeps firing the fan-out (its last run moves past the kill)
                    ChildKsync.await("the survivor to fire the nightly schedule again", Duration.ofSeconds(60),
                            () -> lastFanOut(database).isAfter(killed.plusSeconds(2)));
                    assertThat(two.process.isAlive()).isTrue();
                }
                List<String> rows = database.jdbi().withHandle(h -> h.createQuery(
                                "select account_id || ' ' || attempts from nightly_runs order by account_id")
                        .mapTo(String.class).list());
                assertThat(rows).containsExactlyElementsOf(ids.stream().sorted().map(id -> id + " 1").toList());
            }
        }
    }

    @Test
    void a_node_killed_mid_run_leaves_its_accounts_finished_by_the_other_with_one_ready_snapshot_each()
            throws Exception {
        // 300 ms a call (and budgets scaled out of the way): one account's full nightly update takes a few seconds,
        // so a kill lands mid-run
        try (SandboxServer sandbox = SandboxServer.start(SandboxOptions.defaults().withProfiles(300)
                .withRateLimits(RateLimitMode.OFF).withLatencyMs(300));
             ChildKsync db = ChildKsync.start(dir, Map.of(), URL, "db", "serve", "--port", "0");
             Database database = Database.ofJdbcUrl(db.url)) {
            List<String> ids = java.util.stream.IntStream.range(0, 6).mapToObj(i -> "shop-" + i).toList();
            Map<String, String> env = Map.of("DATABASE_URL", db.url, "KSYNC_SECRET_KEY", KEY,
                    "KSYNC_NIGHTLY_CRON", "*/2 * * * * *", "KSYNC_SCHEDULER_POLL_S", "1",
                    "KSYNC_SCHEDULER_HEARTBEAT_S", "1", "KSYNC_SCHEDULER_THREADS", "2", "ADMIN_JOB_SECRET", ADMIN,
                    "KLAVIYO_ENABLE", "true", "KLAVIYO_BASE_URL", sandbox.baseUrl(), "KLAVIYO_RATE_SCALE", "1000");
            try (ChildKsync one = ChildKsync.serve(Files.createDirectories(dir.resolve("one")), env);
                 ChildKsync two = ChildKsync.serve(Files.createDirectories(dir.resolve("two")), env)) {
                Map<String, ChildKsync> byNode = Map.of(nodeOf(one), one, nodeOf(two), two);
                // accounts appear only once both nodes listen: on a loaded machine the second JVM can take longer to
                // start than the first takes to run every account, and then no kill could land mid-run
                AccountService accounts = new AccountService(database.jdbi(),
                        SecretBox.fromPassphrase(new Secret(KEY)), Clock.systemUTC());
                for (String id : ids) { // all on the sandbox's one key
                    accounts.add(new AccountId(id), null, new Secret(SandboxOptions.DEFAULT_API_KEY));
                }
                String[] victim = {null};
                ChildKsync.await("a node to be updating an account", Duration.ofSeconds(60), () -> {
                    victim[0] = runningOn(database).values().stream().filter(byNode::containsKey).findFirst()
                            .orElse(null);
                    return victim[0] != null;
                });
                byNode.get(victim[0]).kill9();
                ChildKsync survivor = byNode.get(victim[0]).equals(one) ? two : one;
                // what the dead node was still running when it died (it cannot finish anything now)
                List<String> orphans = runningOn(database).entrySet().stream()
                        .filter(e -> e.getValue().equals(victim[0])).map(Map.Entry::getKey).sorted().toList();
                assertThat(orphans).as("accounts the killed node was updating").isNotEmpty();

                try {
                    ChildKsync.await("every account's nightly run to succeed", Duration.ofSeconds(60),
                            () -> succeeded(database) == ids.size());
                } catch (AssertionError e) {
                    String log = Files.readString(survivor.log);
                    throw new AssertionError(e.getMessage() + "; killed " + victim[0] + " running " + orphans
                            + "; ledger " + ledger(database) + "; survivor's log:\n"
                            + log.substring(Math.max(0, log.length() - 6000)), e);
                }
                assertThat(survivor.process.isAlive()).isTrue();
                List<String> orphanRuns = database.jdbi().withHandle(h -> h.createQuery(
                                "select account_id || ' ' || status || ' ' || node || ' attempts ' || attempts"
                                        + " from nightly_runs where account_id in (<ids>) order by account_id")
                        .bindList("ids", orphans).mapTo(String.class).list());
                assertThat(orphanRuns).as("the killed node's accounts, finished by the survivor")
                        .containsExactlyElementsOf(orphans.stream()
                                .map(id -> id + " succeeded " + nodeOf(survivor) + " attempts 2").toList());
                for (String id : ids) {
                    JsonNode list = json.readTree(http.send(HttpRequest.newBuilder(
                                    URI.create(survivor.url + "/api/snapshots?accountId=" + id))
                            .header("x-admin-job-secret", ADMIN).build(), HttpResponse.BodyHandlers.ofString()).body());
                    long ready = java.util.stream.StreamSupport.stream(list.path("snapshots").spliterator(), false)
                            .filter(s -> s.path("status").asText().equals("ready")).count();
                    assertThat(ready).as("ready snapshots of " + id + ": " + list).isEqualTo(1);
                }
            }
        }
    }

    /** The node name a child records its runs under (host and pid, as {@code SchedulerNode.localName()}). */
    private static String nodeOf(ChildKsync child) {
        return hostName() + ":" + child.process.pid();
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    /** Accounts whose nightly run is going, by the node running it. */
    private static Map<String, String> runningOn(Database database) {
        return database.jdbi().withHandle(h -> h.createQuery(
                        "select account_id, node from nightly_runs where status = 'running'")
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2))).list()).stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private static List<String> ledger(Database database) {
        return database.jdbi().withHandle(h -> h.createQuery("select account_id || ' ' || status || ' ' || attempts"
                + " || ' ' || coalesce(node, '-') || ' ' || coalesce(error, '') from nightly_runs order by account_id")
                .mapTo(String.class).list());
    }

    private static int succeeded(Database database) {
        return database.jdbi().withHandle(h -> h.createQuery(
                "select count(*) from nightly_runs where status = 'succeeded'").mapTo(Integer.class).one());
    }

    private static int finished(Database database) {
        return database.jdbi().withHandle(h -> h.createQuery(
                "select count(*) from nightly_runs where status not in ('scheduled', 'running')").mapTo(Integer.class).one());
    }

    private static Instant lastFanOut(Database database) {
        return database.jdbi().withHandle(h -> h.createQuery(
                        "select coalesce(greatest(last_success, last_failure), 'epoch') from scheduled_tasks"
                                + " where task_name = 'nightly'")
                .mapTo(java.time.OffsetDateTime.class).findOne().map(java.time.OffsetDateTime::toInstant)
                .orElse(Instant.EPOCH));
    }
}
