package dev.ksync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.db.Database;
import dev.ksync.http.TestRig;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code ksync update} and {@code ksync cleanup} through their command lines against the sandbox: the runbook's fast
 * dry run (the default mode), a live update replayed by its key, and a cleanup that lists (by default, and with
 * {@code --dry-run}) and removes an aged upload and key only with {@code --no-dry-run}, keeping the account's newest
 * ready snapshot.
 */
class UpdateCleanupCommandsTest {
    private static final ObjectMapper json = new ObjectMapper();

    @RegisterExtension
    static final TestRig rig = TestRig.cli().env("KSYNC_RETENTION_DAYS", "30")
            .sandbox(SandboxOptions.defaults().withProfiles(300).withRateLimits(RateLimitMode.OFF));

    static Run update(String... args) {
        return Run.of(UpdateCommand::new, rig.env(), args);
    }

    static Run cleanup(String... args) {
        return Run.of(CleanupCommand::new, rig.env(), args);
    }

    @Test
    void update_defaults_to_a_dry_run_and_fast_prints_flow_rows_and_header_only_previews() throws Exception {
        Run r = update("--account-id", "shop", "--fast", "--days", "7");

        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode a = json.readTree(r.out());
        assertThat(a.path("mode").asText()).isEqualTo("dry-run");
        assertThat(a.has("uploadId")).as(r.out()).isFalse();
        assertThat(a.path("fast").asBoolean()).isTrue();
        assertThat(a.path("rows").path("flows").asLong()).isPositive();
        assertThat(a.path("rows").path("subscribers").asLong()).isZero();
        assertThat(a.path("skipped").toString()).isEqualTo("[\"campaigns\",\"subscribers\"]");
        assertThat(a.path("previews").path("subscribers").get(0).asText()).startsWith("Email,Klaviyo ID");
    }

    @Test
    void update_live_without_an_account_fails_naming_the_option() {
        Run r = update("--mode", "live");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--account-id").doesNotContain("Exception");
    }

    @Test
    void update_live_replays_its_key_and_cleanup_removes_only_an_aged_upload_after_a_dry_run_lists_it()
            throws Exception {
        Run first = update("--mode", "live", "--account-id", "shop", "--days", "3", "--timeframe-key", "last_7_days",
                "--idempotency-key", "cli-1");
        assertThat(first.exit()).as(first.err()).isZero();
        JsonNode a = json.readTree(first.out());
        String oldUpload = a.path("uploadId").asText();
        assertThat(a.path("status").asText()).isEqualTo("ready");
        Run again = update("--mode", "live", "--account-id", "shop", "--days", "3", "--timeframe-key", "last_7_days",
                "--idempotency-key", "cli-1");
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).isEqualTo(first.out());

        Run second = update("--mode", "live", "--account-id", "shop", "--idempotency-key", "cli-2");
        assertThat(second.exit()).as(second.err()).isZero();
        String newUpload = json.readTree(second.out()).path("uploadId").asText();
        assertThat(newUpload).isNotEqualTo(oldUpload);

        // the first run's upload and key are made 60 days old; the retention is 30
        try (Database db = Database.ofJdbcUrl(rig.pg().jdbcUrl())) {
            db.jdbi().useHandle(h -> {
                h.createUpdate("update uploads set created_at = now() - interval '60 days' where id = :id")
                        .bind("id", oldUpload).execute();
                h.createUpdate("update idempotency_keys set created_at = now() - interval '60 days'"
                        + " where key = 'cli-1'").execute();
            });
        }
        Path ingest = rig.dataDir().resolve("buckets/data-ingest");

        for (String[] listing : List.of(new String[0], new String[] {"--dry-run"})) {
            Run dry = cleanup(listing);
            assertThat(dry.exit()).as(dry.err()).isZero();
            JsonNode d = json.readTree(dry.out());
            assertThat(d.path("dryRun").asBoolean()).isTrue();
            assertThat(d.path("uploadCount").asInt()).isEqualTo(1);
            assertThat(d.path("uploads").get(0).path("uploadId").asText()).isEqualTo(oldUpload);
            assertThat(d.path("idempotencyKeys").asInt()).isEqualTo(1);
            assertThat(uploadIds(d.path("kept"))).containsExactly(newUpload);
            assertThat(ingest.resolve(oldUpload).resolve("flows.csv")).exists();
        }

        Run real = cleanup("--no-dry-run");
        assertThat(real.exit()).as(real.err()).isZero();
        JsonNode c = json.readTree(real.out());
        assertThat(c.path("dryRun").asBoolean()).isFalse();
        assertThat(c.path("uploads").get(0).path("uploadId").asText()).isEqualTo(oldUpload);
        assertThat(ingest.resolve(oldUpload).resolve("flows.csv")).doesNotExist();
        assertThat(ingest.resolve(newUpload).resolve("flows.csv")).exists();
        try (Database db = Database.ofJdbcUrl(rig.pg().jdbcUrl())) {
            List<String> keys = db.jdbi().withHandle(h -> h.createQuery("select key from idempotency_keys"
                    + " where account_id = 'shop' order by key").mapTo(String.class).list());
            assertThat(keys).containsExactly("cli-2");
        }
    }

    private static List<String> uploadIds(JsonNode kept) {
        List<String> ids = new ArrayList<>();
        kept.forEach(k -> ids.add(k.path("uploadId").asText()));
        return ids;
    }
}
