package dev.ksync.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ksync.config.AppConfig;
import dev.ksync.config.JdbcUrl;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

/**
 * ksync's PostgreSQL: the server named by DATABASE_URL, or the embedded one whose data lives under
 * {@code KSYNC_DATA_DIR/pg} and survives restarts ({@link EmbeddedServer}). Pooled with HikariCP, migrated by Flyway,
 * queried through Jdbi. When the server does not answer, asking for a connection fails within about
 * {@link #CONNECT_TIMEOUT} with a {@code database_unavailable} error (503) instead of hanging.
 */
public final class Database implements AutoCloseable {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** The error code of a database that does not answer. */
    public static final String UNAVAILABLE = "database_unavailable";

    private final EmbeddedServer embedded;
    private final HikariDataSource pool;
    private final Jdbi jdbi;

    private Database(EmbeddedServer embedded, HikariDataSource pool) {
        this.embedded = embedded;
        this.pool = pool;
        this.jdbi = Jdbi.create(this::connection).installPlugin(new SqlObjectPlugin()).installPlugin(new PostgresPlugin());
    }

    /** Connections for short queries: requests, rate budgets, the scheduler's polling and heartbeats. */
    static final int SHORT_CONNECTIONS = 10;

    /** Opens (and for the embedded server, starts) the database and applies pending migrations. */
    public static Database open(AppConfig.DatabaseSettings settings, Path dataDir) {
        return open(settings, dataDir, 0);
    }

    /**
     * @param longRuns runs that may each hold a connection for their whole length (a scheduled update holds its
     *                 idempotency key's advisory lock on one): the pool gets that many on top of the short ones, or
     *                 those runs starve the rest and everything past them fails as "database unavailable"
     */
    public static Database open(AppConfig.DatabaseSettings settings, Path dataDir, int longRuns) {
        int size = SHORT_CONNECTIONS + Math.max(0, longRuns);
        Database db = settings.url().isPresent()
                ? new Database(null, pool(JdbcUrl.parse(settings.url().get().value()), size))
                : startEmbedded(dataDir, size);
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
        Database db = new Database(null, pool(JdbcUrl.parse(jdbcUrl), SHORT_CONNECTIONS));
        db.migrate();
        return db;
    }

    private static Database startEmbedded(Path dataDir, int poolSize) {
        EmbeddedServer server;
        try {
            server = EmbeddedServer.open(dataDir);
        } catch (IOException | RuntimeException e) {
            throw new KsyncException(ErrorKind.UNAVAILABLE, UNAVAILABLE,
                    "Could not start the embedded PostgreSQL in " + EmbeddedServer.pgDir(dataDir) + ": " + e.getMessage()
                            + ". Set KSYNC_DATA_DIR to another folder or DATABASE_URL to a PostgreSQL server.",
                    Map.of(), e);
        }
        try {
            return new Database(server, pool(server.jdbcUrl(), poolSize));
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private static HikariDataSource pool(JdbcUrl url, int size) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(url.jdbc());
        url.user().ifPresent(c::setUsername);
        url.password().ifPresent(c::setPassword);
        c.setMaximumPoolSize(size);
        c.setPoolName("ksync");
        // A server that is down or unreachable costs a caller about 2 s, not Hikari's default 30 s.
        c.setConnectionTimeout(CONNECT_TIMEOUT.toMillis());
        c.setValidationTimeout(1000);
        c.addDataSourceProperty("connectTimeout", Long.toString(CONNECT_TIMEOUT.toSeconds()));
        c.addDataSourceProperty("loginTimeout", Long.toString(CONNECT_TIMEOUT.toSeconds()));
        c.setInitializationFailTimeout(10_000);
        try {
            return new HikariDataSource(c);
        } catch (RuntimeException e) {
            // The driver's message may echo the URL; say where without the credentials.
            throw new KsyncException(ErrorKind.UNAVAILABLE, UNAVAILABLE,
                    "Could not connect to PostgreSQL at " + url.redacted() + ": check DATABASE_URL and that the server"
                            + " is running", Map.of(), null);
        }
    }

    /** Jdbi's connections: a pool that cannot hand one out in time means the database is unavailable (503). */
    private Connection connection() throws SQLException {
        try {
            return pool.getConnection();
        } catch (SQLTransientConnectionException e) {
            throw unavailable();
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("08")) { // SQL's "connection exception" class
                throw unavailable();
            }
            throw e;
        }
    }

    private static KsyncException unavailable() {
        return new KsyncException(ErrorKind.UNAVAILABLE, UNAVAILABLE,
                "The database does not answer; try again shortly (GET /ready says when it is back)",
                Map.of("database", "unreachable"));
    }

    /**
     * Whether a failure means the database does not answer: the pool's timeout waiting for a connection, a connection
     * refused or dropped (SQLState class 08), the server shutting down or not yet up (57P), or a ksync error saying so.
     */
    public static boolean unavailable(Throwable e) {
        int depth = 0;
        for (Throwable t = e; t != null && depth < 32; t = t.getCause(), depth++) {
            if (t instanceof KsyncException k && UNAVAILABLE.equals(k.code())) {
                return true;
            }
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException s && s.getSQLState() != null
                    && (s.getSQLState().startsWith("08") || s.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
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

    /** True when the database answers a trivial query within about 2 s (for /ready). */
    public boolean answers() {
        try (Connection c = pool.getConnection()) {
            c.setNetworkTimeout(Runnable::run, (int) CONNECT_TIMEOUT.toMillis()); // a hung server, not only a down one
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select 1")) {
                return rs.next() && rs.getInt(1) == 1;
            }
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    /** True for the embedded server, whether this process started it or attached to it. */
    public boolean isEmbedded() {
        return embedded != null;
    }

    /** The embedded server's port, when this process started it or attached to it. */
    public OptionalInt embeddedPort() {
        return embedded == null ? OptionalInt.empty() : OptionalInt.of(embedded.port());
    }

    /**
     * For a process whose own shutdown sequence closes this database last: the embedded server this process started no
     * longer stops by itself when the JVM exits, only on {@link #close()}. Nothing changes for any other database.
     */
    public void stopOnlyOnClose() {
        if (embedded != null) {
            embedded.stopOnlyOnClose();
        }
    }

    /** Closes the pool; stops the embedded server only if this process started it (one it attached to runs on). */
    @Override
    public void close() {
        pool.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
