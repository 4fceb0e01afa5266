package dev.ksync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.accounts.AccountId;
import dev.ksync.accounts.AccountService;
import dev.ksync.backfill.BackfillStore;
import dev.ksync.config.Secret;
import dev.ksync.db.Database;
import dev.ksync.db.SessionLock;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backfill's crash safety with {@code ksync serve} child JVMs on one {@code ksync db serve}: a 1-year backfill
 * whose server is killed with -9 at 5 random moments, each followed by a restart, ends with exactly the rows of an
 * uninterrupted run, table by table (acceptance 1); with two nodes, the survivor finishes the backfill the killed
 * node was running (acceptance 4); {@code ksync backfill start} beside a node running the backfill follows it, and
 * finishes it itself when that node is killed and none restarts.
 */
class BackfillCrashTest {
    private static final String KEY = "backfill-crash-secret-key-0123";
    private static final Pattern URL = Pattern.compile("DATABASE_URL=(\\S+)");
    private static final String ADMIN = "backfill-crash-admin";
    private static final ObjectMapper json = new ObjectMapper();
    private static final String FOLLOWING = "A ksync serve node is running this backfill; following its progress";
    private static final String TAKING_OVER = "The process running this backfill stopped; this command goes on with it";
    private static final HttpClient http = HttpClient.newHttpClient();
    /** The tables a backfill writes, each compared without its account id. */
    private static final List<String> TABLES = List.of("backfill_orders", "backfill_flow_daily",
            "backfill_campaign_daily", "backfill_campaigns", "backfill_flows");

    @TempDir
    static Path dir;
    static SandboxServer sandbox;
    static ChildKsync db;
    static Database database;
    static Map<String, String> env;

    @BeforeAll
    static void cluster() throws Exception {
        // 20 ms a call: a year's backfill takes a few seconds, so the kills land mid-run
        sandbox = SandboxServer.start(SandboxOptions.defaults().withProfiles(400).withHistoryDays(400)
                .withRateLimits(RateLimitMode.OFF).withLatencyMs(20));
        db = ChildKsync.start(dir, Map.of(), URL, "db", "serve", "--port", "0");
        database = Database.ofJdbcUrl(db.url);
        AccountService accounts = new AccountService(database.jdbi(), SecretBox.fromPassphrase(new Secret(KEY)),
                Clock.systemUTC());
        // all on the sandbox's one key
        for (String id : List.of("steady", "crashy", "twonode", "cli", "follow", "takeover", "unbroken")) {
            accounts.add(new AccountId(id), null, new Secret(SandboxOptions.DEFAULT_API_KEY));
        }
        env = Map.of("DATABASE_URL", db.url, "KSYNC_SECRET_KEY", KEY, "KSYNC_SCHEDULER_POLL_S", "1",
                "KSYNC_SCHEDULER_HEARTBEAT_S", "1", "ADMIN_JOB_SECRET", ADMIN, "KLAVIYO_ENABLE", "true",
                "KLAVIYO_BASE_URL", sandbox.baseUrl(), "KLAVIYO_RATE_SCALE", "1000");
    }

    @AfterAll
    static void down() throws Exception {
        if (database != null) database.close();
        if (db != null) db.close();
        if (sandbox != null) sandbox.close();
    }

    @Test
    void kill_9_at_five_random_moments_of_a_year_long_backfill_ends_with_the_rows_of_an_uninterrupted_run()
            throws Exception {
        Random random = new Random();
        Path home = Files.createDirectories(dir.resolve("crash"));
        ChildKsync server = ChildKsync.serve(home, env);
        try {
            JsonNode started = post(server, "/api/backfill/start/crashy?years=1");
            int total = started.path("days_total").asInt();
            assertThat(total).isGreaterThanOrEqualTo(365);
            List<Integer> moments = new ArrayList<>();
            for (int k = 0; k < 5; k++) moments.add(random.nextInt(total - 5));
            moments.sort(null);
            List<Integer> killedAt = new ArrayList<>();
            for (int threshold : moments) {
                ChildKsync.await("the backfill to pass day " + threshold, Duration.ofSeconds(120),
                        () -> daysDone("crashy") >= threshold || !running("crashy"));
                boolean mid = running("crashy");
                server.kill9();
                if (mid) killedAt.add(daysDone("crashy"));
                server = ChildKsync.serve(home, env); // the restart revives the dead node's execution
            }
            ChildKsync.await("the backfill to end", Duration.ofSeconds(180), () -> !running("crashy"));
            JsonNode crashy = get(server, "/api/backfill/status/crashy");
            assertThat(crashy.path("status").asText()).as(crashy.toString()).isEqualTo("completed");
            System.out.println("BackfillCrashTest: killed mid-run after " + killedAt + " of " + total + " days");
            assertThat(killedAt).as("kills that landed mid-run (days done then)").hasSizeGreaterThanOrEqualTo(3);

            post(server, "/api/backfill/start/steady?years=1");
            ChildKsync.await("the uninterrupted backfill to end", Duration.ofSeconds(180), () -> !running("steady"));
            JsonNode steady = get(server, "/api/backfill/status/steady");
            assertThat(steady.path("status").asText()).as(steady.toString()).isEqualTo("completed");
            assertThat(steady.path("start_date")).isEqualTo(crashy.path("start_date"));
            assertThat(steady.path("end_date")).as("the runs cover the same days").isEqualTo(crashy.path("end_date"));

            for (String table : TABLES) {
                List<String> expected = rows(table, "steady");
                assertThat(rows(table, "crashy")).as(table + " after kills at " + killedAt)
                        .containsExactlyElementsOf(expected);
            }
            assertThat(rows("backfill_orders", "steady")).isNotEmpty();
            assertThat(rows("backfill_flow_daily", "steady")).isNotEmpty();
            assertThat(statusRow("crashy")).isEqualTo(statusRow("steady"));
            // each kill mid-run was an attempt the next node's revival counted, with the error saying so
            assertThat(crashy.path("attempts").asInt()).as(crashy.toString()).isBetween(1, killedAt.size());
            assertThat(crashy.path("errors")).hasSize(crashy.path("attempts").asInt())
                    .allSatisfy(e -> assertThat(e.path("message").asText()).contains("stopped without finishing"));
            assertThat(steady.path("attempts").asInt()).isZero();
        } finally {
            server.close();
        }
    }

    @Test
    void a_backfill_started_on_one_node_is_finished_by_the_other_when_the_first_is_killed() throws Exception {
        try (ChildKsync one = ChildKsync.serve(Files.createDirectories(dir.resolve("one")), env);
             ChildKsync two = ChildKsync.serve(Files.createDirectories(dir.resolve("two")), env)) {
            post(one, "/api/backfill/start/twonode?years=1");
            Map<String, ChildKsync> byNode = Map.of(nodeOf(one), one, nodeOf(two), two);
            String[] runner = {null};
            ChildKsync.await("a node to run the backfill", Duration.ofSeconds(60), () -> {
                runner[0] = pickedBy();
                return runner[0] != null && byNode.containsKey(runner[0]) && daysDone("twonode") > 0;
            });
            int before = daysDone("twonode");
            assertThat(running("twonode")).as("still running when its node is killed").isTrue();
            byNode.get(runner[0]).kill9();
            ChildKsync survivor = byNode.get(runner[0]) == one ? two : one;
            ChildKsync.await("the survivor to finish the backfill", Duration.ofSeconds(120),
                    () -> !running("twonode"));
            JsonNode s = get(survivor, "/api/backfill/status/twonode");
            assertThat(s.path("status").asText()).as(s.toString()).isEqualTo("completed");
            assertThat(s.path("days_completed").asInt()).isEqualTo(s.path("days_total").asInt()).isGreaterThan(before);
            assertThat(s.path("validation").path("mismatches")).as(s.toString()).isEmpty();
            assertThat(s.path("attempts").asInt()).as("the killed node's attempt").isEqualTo(1);
            assertThat(s.path("errors").get(0).path("message").asText()).contains(runner[0]);
            assertThat(survivor.process.isAlive()).isTrue();
        }
    }

    @Test
    void ksync_backfill_start_waits_for_the_end_and_status_cancel_clear_answer_from_the_command_line()
            throws Exception {
        Path home = Files.createDirectories(dir.resolve("cli"));
        for (String sub : List.of("start", "status", "cancel", "clear")) {
            ChildKsync.Finished help = ChildKsync.finish(home, env, "backfill", sub, "--help");
            assertThat(help.exitCode()).as(help.output()).isZero();
            assertThat(help.output()).contains("Usage: ksync backfill " + sub);
        }
        ChildKsync.Finished start = ChildKsync.finish(home, env, "backfill", "start", "cli", "--test");
        assertThat(start.exitCode()).as(start.output()).isZero();
        assertThat(start.output()).contains("\"status\" : \"completed\"").contains("\"days_completed\" : 7");
        assertThat(start.output()).as("its output is piped: progress as plain lines").contains("100%  7/7");
        ChildKsync.Finished status = ChildKsync.finish(home, env, "backfill", "status", "cli");
        assertThat(status.exitCode()).as(status.output()).isZero();
        assertThat(status.output()).contains("\"client_id\" : \"cli\"");
        ChildKsync.Finished cancel = ChildKsync.finish(home, env, "backfill", "cancel", "cli");
        assertThat(cancel.exitCode()).as("cancelling a completed backfill is refused").isNotZero();
        assertThat(cancel.output()).contains("is not running");
        ChildKsync.Finished clear = ChildKsync.finish(home, env, "backfill", "clear", "cli");
        assertThat(clear.exitCode()).as(clear.output()).isZero();
        assertThat(clear.output()).contains("\"cleared\" : true");
        assertThat(daysDone("cli")).isZero();
    }

    @Test
    void ksync_backfill_start_while_another_process_works_the_backfill_follows_its_progress_and_exits_0()
            throws Exception {
        ChildKsync cli;
        try (Following f = nodeFollowed("follow", "--test")) {
            cli = f.cli();
            assertThat(cli.process.waitFor(120, TimeUnit.SECONDS)).as(cli.output()).isTrue();
            ChildKsync.await("the node to log the end", Duration.ofSeconds(30),
                    () -> f.node().output().contains("Backfill of follow completed"));
        }
        String out = cli.output();
        assertThat(cli.process.exitValue()).as(out).isZero();
        assertThat(out).contains("\"status\" : \"completed\"").contains("\"days_completed\" : 7")
                .as("the bar followed the node's days").contains("100%  7/7");
        assertThat(out.split(Pattern.quote(FOLLOWING), -1)).as("said once: " + out).hasSize(2);
        assertThat(out).doesNotContain(TAKING_OVER);
    }

    @Test
    void ksync_backfill_start_following_a_node_killed_mid_run_finishes_it_with_the_rows_of_an_uninterrupted_run()
            throws Exception {
        ChildKsync cli;
        int killedAt;
        try (Following f = nodeFollowed("takeover", "--years", "1")) {
            cli = f.cli();
            assertThat(running("takeover")).as("still running when its node is killed").isTrue();
            f.node().kill9(); // and no node restarts: only the command following it is left
            killedAt = daysDone("takeover");
            // bounded: a follower that never takes over follows the dead node's run for ever
            assertThat(cli.process.waitFor(180, TimeUnit.SECONDS)).as("the command ended:\n" + cli.output()).isTrue();
        }
        String out = cli.output();
        assertThat(cli.process.exitValue()).as(out).isZero();
        assertThat(out).contains("\"status\" : \"completed\"");
        assertThat(out.split(Pattern.quote(FOLLOWING), -1)).as("said once: " + out).hasSize(2);
        assertThat(out.split(Pattern.quote(TAKING_OVER), -1)).as("said once: " + out).hasSize(2);
        assertThat(killedAt).as("killed mid-run").isLessThan(daysDone("takeover"));

        ChildKsync.Finished unbroken = ChildKsync.finish(Files.createDirectories(dir.resolve("unbroken")), env,
                "backfill", "start", "unbroken", "--years", "1");
        assertThat(unbroken.exitCode()).as(unbroken.output()).isZero();
        for (String table : TABLES) {
            assertThat(rows(table, "takeover")).as(table + " after the kill at day " + killedAt)
                    .containsExactlyElementsOf(rows(table, "unbroken"));
        }
        assertThat(rows("backfill_orders", "unbroken")).isNotEmpty();
        assertThat(statusRow("takeover")).isEqualTo(statusRow("unbroken"));
    }

    /** A {@code ksync serve} node working an account's backfill, and the {@code ksync backfill start} following it. */
    private record Following(ChildKsync node, ChildKsync cli) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            if (cli.process.isAlive()) cli.process.destroyForcibly();
            node.close();
        }
    }

    /**
     * {@code ksync backfill start ACCOUNT options} following the node that works the backfill it started. The command
     * wins the worker lock from any node unless one holds it: the test stands in for the node, holding the lock until
     * the command follows, and suspends the command until a node it then starts has taken the backfill up.
     */
    private static Following nodeFollowed(String account, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("backfill", "start", account));
        args.addAll(List.of(options));
        ChildKsync cli;
        BackfillStore store = new BackfillStore(database.jdbi());
        try (SessionLock standIn = store.lockWorker(new AccountId(account)).orElseThrow()) {
            cli = ChildKsync.launch(Files.createDirectories(dir.resolve(account)), env, args.toArray(String[]::new));
            try {
                ChildKsync.await("the command to follow the backfill", Duration.ofSeconds(120),
                        () -> cli.output().contains(FOLLOWING) || !cli.process.isAlive());
                assertThat(cli.process.isAlive()).as("following, not working it itself:\n" + cli.output()).isTrue();
                assertThat(daysDone(account)).isZero();
                cli.suspend();
            } catch (Exception | AssertionError e) {
                cli.process.destroyForcibly();
                throw e;
            }
        }
        ChildKsync node = null;
        try {
            node = ChildKsync.serve(Files.createDirectories(dir.resolve(account + "-node")), env);
            // the node runs the task the command scheduled
            ChildKsync.await("the node to work the backfill", Duration.ofSeconds(120),
                    () -> daysDone(account) > 0 || !running(account));
            cli.resume();
            return new Following(node, cli);
        } catch (Exception | AssertionError e) {
            cli.process.destroyForcibly();
            if (node != null) node.kill9();
            throw e;
        }
    }

    /** Every row of the account in the table, as JSON without the account id, sorted. */
    private static List<String> rows(String table, String account) {
        return database.jdbi().withHandle(h -> h.createQuery("select (to_jsonb(t) - 'account_id')::text from " + table
                        + " t where account_id = :a order by 1").bind("a", account).mapTo(String.class).list());
    }

    /** The status row less what belongs to the run itself (its account, timestamps, attempts and their errors). */
    private static String statusRow(String account) {
        return database.jdbi().withHandle(h -> h.createQuery("""
                        select (to_jsonb(s) - 'account_id' - 'started_at' - 'updated_at' - 'finished_at' - 'attempts'
                            - 'errors'
                            || jsonb_build_object('validation', s.validation - 'checked_at'))::text
                        from backfill_status s where account_id = :a""").bind("a", account)
                .mapTo(String.class).one());
    }

    private static int daysDone(String account) {
        return database.jdbi().withHandle(h -> h.createQuery(
                "select coalesce(max(days_done), 0) from backfill_status where account_id = :a").bind("a", account)
                .mapTo(Integer.class).one());
    }

    private static boolean running(String account) {
        return database.jdbi().withHandle(h -> h.createQuery(
                "select count(*) from backfill_status where account_id = :a and status = 'in_progress'")
                .bind("a", account).mapTo(Integer.class).one()) == 1;
    }

    private static String pickedBy() {
        return database.jdbi().withHandle(h -> h.createQuery(
                "select picked_by from scheduled_tasks where task_name = 'backfill' and task_instance = 'twonode'"
                        + " and picked").mapTo(String.class).findOne().orElse(null));
    }

    private static String nodeOf(ChildKsync child) {
        try {
            return java.net.InetAddress.getLocalHost().getHostName() + ":" + child.process.pid();
        } catch (java.net.UnknownHostException e) {
            return "localhost:" + child.process.pid();
        }
    }

    private static JsonNode post(ChildKsync server, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url + path))
                .POST(HttpRequest.BodyPublishers.noBody()).header("x-admin-job-secret", ADMIN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return json.readTree(r.body());
    }

    private static JsonNode get(ChildKsync server, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url + path))
                .header("x-admin-job-secret", ADMIN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }
}
