package dev.ksync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ksync.accounts.AccountId;
import dev.ksync.accounts.AccountService;
import dev.ksync.config.Secret;
import dev.ksync.db.Database;
import dev.ksync.secrets.SecretBox;
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
 * nobody twice.
 */
class ClusterScheduleTest {
    private static final String KEY = "cluster-test-secret-key-0123";
    private static final Pattern URL = Pattern.compile("DATABASE_URL=(\\S+)");

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
