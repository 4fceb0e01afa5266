package dev.ksync.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ksync.config.AppConfig;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 9 point 3 (the product's embedded PostgreSQL) and point 10 (start recovers by itself), in one JVM. */
class EmbeddedServerTest {
    private static final AppConfig.DatabaseSettings EMBEDDED = new AppConfig.DatabaseSettings(Optional.empty());

    @TempDir
    Path dataDir;

    @Test
    void point3_embedded_server_requires_its_password_listens_on_loopback_only_and_keeps_fsync_on() throws Exception {
        try (Database db = Database.open(EMBEDDED, dataDir)) {
            int port = db.embeddedPort().orElseThrow();
            Path passwordFile = dataDir.resolve("pg-password");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile))).isEqualTo("rw-------");
            String password = Files.readString(passwordFile).strip();
            assertThat(password).hasSizeGreaterThanOrEqualTo(40);

            assertThatThrownBy(() -> connect(port, null)).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> connect(port, "postgres")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("password authentication failed");
            try (Connection c = connect(port, password)) {
                assertThat(show(c, "fsync")).isEqualTo("on");
                // nothing replicates it: a table filled in its creating transaction skips the WAL
                assertThat(show(c, "wal_level")).isEqualTo("minimal");
                // a big append logs whole index pages once per checkpoint, not once per 1 GB
                assertThat(show(c, "max_wal_size")).isEqualTo("4GB");
                assertThat(show(c, "checkpoint_timeout")).isEqualTo("15min");
                assertThat(show(c, "listen_addresses")).isEqualTo("127.0.0.1");
                assertThat(show(c, "password_encryption")).isEqualTo("scram-sha-256");
            }
            assertThat(db.answers()).isTrue();
        }
        assertThat(PostmasterPid.read(dataDir.resolve("pg"))).as("stopped on close").isEmpty();
    }

    @Test
    void point3_data_directory_made_with_trust_authentication_is_adopted_and_keeps_its_data() throws Exception {
        // What ksync made before passwords: zonky's defaults (initdb -A trust), data under KSYNC_DATA_DIR/pg.
        try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(dataDir.resolve("pg"))
                .setCleanDataDirectory(false).start();
                Connection c = old.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("create schema legacy"); // beside ksync's own tables, which Flyway then creates
            s.execute("create table legacy.kept(v text)");
            s.execute("insert into legacy.kept values ('before')");
        }
        try (Database db = Database.open(EMBEDDED, dataDir)) {
            int port = db.embeddedPort().orElseThrow();
            assertThatThrownBy(() -> connect(port, null)).isInstanceOf(SQLException.class);
            String kept = db.jdbi().withHandle(h -> h.createQuery("select v from legacy.kept").mapTo(String.class).one());
            assertThat(kept).isEqualTo("before");
        }
        assertThat(Files.readString(dataDir.resolve("pg/pg_hba.conf"))).doesNotContain("trust");
    }

    @Test
    void point10_second_opener_attaches_and_its_close_leaves_the_server_running() {
        try (Database owner = Database.open(EMBEDDED, dataDir)) {
            try (Database attached = Database.open(EMBEDDED, dataDir)) {
                assertThat(attached.embeddedPort()).isEqualTo(owner.embeddedPort());
                assertThat(attached.answers()).isTrue();
            }
            assertThat(owner.answers()).as("still running after the attached one closed").isTrue();
        }
    }

    @Test
    void point10_stale_postmaster_pid_naming_a_live_unrelated_process_does_not_block_start() throws Exception {
        try (Database db = Database.open(EMBEDDED, dataDir)) {
            db.jdbi().useHandle(h -> h.execute("create table kept(v text)"));
        }
        long unrelated = ProcessHandle.current().pid(); // alive, and a java process, not a postgres
        Files.writeString(dataDir.resolve("pg/postmaster.pid"),
                unrelated + "\n" + dataDir.resolve("pg") + "\n1700000000\n5432\n\n127.0.0.1\n  1234  5678\nready   \n");
        try (Database db = Database.open(EMBEDDED, dataDir)) {
            assertThat(db.answers()).isTrue();
            int rows = db.jdbi().withHandle(h -> h.createQuery("select count(*) from kept").mapTo(Integer.class).one());
            assertThat(rows).isZero();
        }
        assertThat(ProcessHandle.current().isAlive()).isTrue();
    }

    @Test
    void point9_unreachable_database_fails_within_about_two_seconds_as_database_unavailable() {
        try (Database db = Database.open(EMBEDDED, dataDir)) {
            stopServer(db);
            long start = System.nanoTime();
            assertThat(db.answers()).isFalse();
            assertThatThrownBy(() -> db.jdbi().withHandle(h -> h.createQuery("select 1").mapTo(Integer.class).one()))
                    .isInstanceOfSatisfying(KsyncException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
                        assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
                        assertThat(e.code()).isEqualTo("database_unavailable");
                    });
            assertThat((System.nanoTime() - start) / 1_000_000).as("ms for both").isLessThan(6_000);
        }
    }

    /** Stops the server under a live pool, as a crash or an operator would. */
    private void stopServer(Database db) {
        try {
            ProcessHandle postmaster = PostmasterPid.read(dataDir.resolve("pg")).orElseThrow().liveProcess().orElseThrow();
            // SIGINT: PostgreSQL's fast shutdown, which ends the pool's idle sessions too
            new ProcessBuilder("kill", "-INT", Long.toString(postmaster.pid())).start().waitFor();
            postmaster.onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Connection connect(int port, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("connectTimeout", "5");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
    }

    private static String show(Connection c, String setting) throws SQLException {
        try (Statement s = c.createStatement(); var rs = s.executeQuery("show " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
