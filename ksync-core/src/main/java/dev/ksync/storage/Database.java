package dev.ksync.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ksync.config.AppConfig;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ksync's PostgreSQL: the server named by DATABASE_URL, or an embedded one whose data lives under
 * {@code KSYNC_DATA_DIR/pg} and survives restarts. Pooled with HikariCP, migrated by Flyway, queried through Jdbi.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final EmbeddedPostgres embedded;
    private final HikariDataSource pool;
    private final Jdbi jdbi;

    private Database(EmbeddedPostgres embedded, HikariDataSource pool) {
        this.embedded = embedded;
        this.pool = pool;
        this.jdbi = Jdbi.create(pool).installPlugin(new SqlObjectPlugin()).installPlugin(new PostgresPlugin());
    }

    /** Opens (and for the embedded server, starts) the database and applies pending migrations. */
    public static Database open(AppConfig.DatabaseSettings settings, Path dataDir) {
        Database db = settings.url().isPresent()
                ? new Database(null, pool(JdbcUrl.parse(settings.url().get().value())))
                : startEmbedded(dataDir.resolve("pg"));
        try {
            db.migrate();
            return db;
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /** Wraps an existing data source (tests that share one server); migrations are applied. */
    public static Database ofJdbcUrl(String jdbcUrl) {
        Database db = new Database(null, pool(JdbcUrl.parse(jdbcUrl)));
        db.migrate();
        return db;
    }

    private static Database startEmbedded(Path pgDir) {
        Optional<Integer> runningPort = runningEmbeddedPort(pgDir);
        if (runningPort.isPresent()) {
            // Another ksync (e.g. `ksync serve`) already runs this data directory's server: share it.
            log.info("Using the embedded PostgreSQL already running on port {}", runningPort.get());
            return new Database(null, pool(new JdbcUrl("jdbc:postgresql://localhost:" + runningPort.get() + "/postgres",
                    Optional.of("postgres"), Optional.empty())));
        }
        try {
            Files.createDirectories(pgDir.getParent());
            log.info("Starting embedded PostgreSQL in {}", pgDir);
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(pgDir)
                    .setCleanDataDirectory(false)
                    .start();
            return new Database(pg, pool(new JdbcUrl(pg.getJdbcUrl("postgres", "postgres"), Optional.of("postgres"),
                    Optional.empty())));
        } catch (IOException | RuntimeException e) {
            throw new KsyncException(ErrorKind.INTERNAL, "database_unavailable",
                    "Could not start the embedded PostgreSQL in " + pgDir + ": " + e.getMessage()
                            + ". Is another ksync using this data directory? Set KSYNC_DATA_DIR to another folder or"
                            + " DATABASE_URL to a PostgreSQL server.", Map.of(), e);
        }
    }

    /** The port of a live postmaster owning {@code pgDir}, from its postmaster.pid (line 1: pid, line 4: port). */
    private static Optional<Integer> runningEmbeddedPort(Path pgDir) {
        Path pidFile = pgDir.resolve("postmaster.pid");
        try {
            if (!Files.isRegularFile(pidFile)) {
                return Optional.empty();
            }
            var lines = Files.readAllLines(pidFile);
            if (lines.size() < 4) {
                return Optional.empty();
            }
            long pid = Long.parseLong(lines.get(0).trim());
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                return Optional.of(Integer.parseInt(lines.get(3).trim()));
            }
            return Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static HikariDataSource pool(JdbcUrl url) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(url.jdbc());
        url.user().ifPresent(c::setUsername);
        url.password().ifPresent(c::setPassword);
        c.setMaximumPoolSize(10);
        c.setPoolName("ksync");
        c.setInitializationFailTimeout(10_000);
        try {
            return new HikariDataSource(c);
        } catch (RuntimeException e) {
            // The driver's message may echo the URL; say where without the credentials.
            throw new KsyncException(ErrorKind.INTERNAL, "database_unavailable",
                    "Could not connect to PostgreSQL at " + url.redacted() + ": check DATABASE_URL and that the server"
                            + " is running", Map.of(), null);
        }
    }

    public void migrate() {
        flyway().migrate();
    }

    private Flyway flyway() {
        return Flyway.configure().dataSource(pool).locations("classpath:db/migration").load();
    }

    /** The applied schema version (Flyway's), e.g. "1". */
    public String schemaVersion() {
        var current = flyway().info().current();
        return current == null ? "none" : current.getVersion().getVersion();
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public DataSource dataSource() {
        return pool;
    }

    /** True when the database answers a trivial query (for /ready). */
    public boolean answers() {
        try {
            return jdbi.withHandle(h -> h.createQuery("select 1").mapTo(Integer.class).one()) == 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    public boolean isEmbedded() {
        return embedded != null;
    }

    @Override
    public void close() {
        pool.close();
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                log.warn("Embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
            }
        }
    }

    /** A JDBC URL with its credentials apart; accepts {@code postgres://user:pass@host:port/db} too. */
    record JdbcUrl(String jdbc, Optional<String> user, Optional<String> password) {
        static JdbcUrl parse(String url) {
            if (url.startsWith("jdbc:")) {
                return new JdbcUrl(url, Optional.empty(), Optional.empty());
            }
            URI u = URI.create(url);
            String userInfo = u.getRawUserInfo();
            Optional<String> user = Optional.empty();
            Optional<String> pass = Optional.empty();
            if (userInfo != null) {
                int colon = userInfo.indexOf(':');
                user = Optional.of(decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
                pass = colon < 0 ? Optional.empty() : Optional.of(decode(userInfo.substring(colon + 1)));
            }
            String port = u.getPort() < 0 ? "" : ":" + u.getPort();
            String query = u.getRawQuery() == null ? "" : "?" + u.getRawQuery();
            return new JdbcUrl("jdbc:postgresql://" + u.getHost() + port + u.getRawPath() + query, user, pass);
        }

        private static String decode(String s) {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        }

        /** The URL without user, password or query (where passwords may also sit). */
        String redacted() {
            String s = jdbc.replaceFirst("//[^@/]*@", "//");
            int q = s.indexOf('?');
            return q < 0 ? s : s.substring(0, q);
        }
    }
}
