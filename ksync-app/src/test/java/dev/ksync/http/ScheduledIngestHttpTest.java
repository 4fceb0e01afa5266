package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ksync.accounts.AccountId;
import dev.ksync.config.Secret;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * KSYNC_INGEST_CRON on a running scheduler against the sandbox: with only the environment's key it ingests the
 * default account; with registered accounts it runs every enabled one, and a run in which one failed shows failed
 * after the others loaded; with every account disabled it ingests nothing and says what to do.
 */
class ScheduledIngestHttpTest {
    private static final String SECRET = "scheduled-ingest-secret";

    @RegisterExtension
    static final TestRig rig = TestRig.api().secret(SECRET)
            .sandbox(SandboxOptions.defaults().withProfiles(100).withHistoryDays(20).withRateLimits(RateLimitMode.OFF))
            .env("KSYNC_INGEST_CRON", "* * * * * *")
            .env("KSYNC_SCHEDULER_POLL_S", "1").env("KSYNC_SCHEDULER_HEARTBEAT_S", "1");

    /** Rows of the ingestion log of an account with this status, begun at or after {@code since}. */
    private static long logged(String account, String status, Instant since) {
        return rig.ksync().database().jdbi().withHandle(h -> h.createQuery("""
                        select count(*) from ingestion_log
                        where account_id = :a and status = :s and started_at >= :since""")
                .bind("a", account).bind("s", status).bind("since", OffsetDateTime.ofInstant(since, ZoneOffset.UTC))
                .mapTo(Long.class).one());
    }

    @Test
    void scheduled_ingestion_runs_the_env_key_alone_then_every_account_and_fails_when_one_failed() throws Exception {
        try (ScheduleWatch watch = new ScheduleWatch(rig.server(), SECRET)) {
            Instant start = Instant.now();
            rig.ksync().scheduler().start();
            try {
                // no account registered: the environment's key ingests the default account (schema klaviyo_default)
                watch.awaitOutcome("ingest", "succeeded");
                assertThat(logged("default", "success", start)).isPositive();

                // a registered account the sandbox refuses, then a good one: the run fails, after loading the good one
                rig.ksync().accounts().add(new AccountId("a-refused"), null, new Secret("pk_refused_0123456789"));
                rig.ksync().accounts().add(new AccountId("b-good"), null, new Secret(TestRig.SANDBOX_KEY));
                Instant registered = Instant.now();
                watch.awaitOutcome("ingest", "failed");
                assertThat(logged("a-refused", "error", registered)).isPositive();
                assertThat(logged("b-good", "success", registered)).isPositive();
                assertThat(watch.lines()).anySatisfy(line -> assertThat(line)
                        .contains("Raw ingestion (inc) failed for 1 of 2 account(s) (the others loaded): a-refused:"));

                // every account disabled: nothing to ingest (not even the environment's key), and a warning says why
                rig.ksync().accounts().setEnabled(new AccountId("a-refused"), false);
                rig.ksync().accounts().setEnabled(new AccountId("b-good"), false);
                watch.awaitOutcome("ingest", "succeeded");
                watch.await("ingest", s -> watch.lines().stream().anyMatch(line -> line.contains(
                        "Raw ingestion (inc) has nothing to ingest: all 2 registered account(s) are disabled")));
            } finally {
                rig.ksync().scheduler().close();
            }
        }
        List<String> schemas = rig.ksync().database().jdbi().withHandle(h -> h.createQuery(
                "select schema_name from information_schema.schemata where schema_name like 'klaviyo\\_%' order by 1")
                .mapTo(String.class).list());
        assertThat(schemas).contains("klaviyo_default", "klaviyo_b-good");
    }
}
