package dev.ksync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ksync.db.TestPostgres;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ksync db migrate} on a DATABASE_URL needs no KSYNC_SECRET_KEY: migrating the schema opens no stored Klaviyo
 * key. The commands that do still require it.
 */
class DbMigrateTest {
    @RegisterExtension
    static final TestPostgres pg = new TestPostgres();

    @Test
    void migrate_on_a_database_url_runs_without_a_secret_key(@TempDir Path dir) {
        Run r = Run.of(DbCommand.Migrate::new, Map.of("DATABASE_URL", pg.jdbcUrl(), "KSYNC_DATA_DIR", dir.toString()));

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("database schema is at version ").doesNotContain("version none");
    }

    @Test
    void migrate_still_refuses_a_secret_key_that_is_set_but_too_short(@TempDir Path dir) {
        Run r = Run.of(DbCommand.Migrate::new, Map.of("DATABASE_URL", pg.jdbcUrl(), "KSYNC_DATA_DIR", dir.toString(),
                "KSYNC_SECRET_KEY", "short"));

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("KSYNC_SECRET_KEY is too short").doesNotContain("short\"");
    }

    @Test
    void a_command_that_opens_stored_keys_still_requires_it(@TempDir Path dir) {
        Run r = Run.of(IngestCommand.Log::new, Map.of("DATABASE_URL", pg.jdbcUrl(), "KSYNC_DATA_DIR", dir.toString()));

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("KSYNC_SECRET_KEY is required when DATABASE_URL is set");
    }
}
