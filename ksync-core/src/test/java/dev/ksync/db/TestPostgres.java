package dev.ksync.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh, migrated PostgreSQL database per test class. One server per test JVM: the embedded one, or the server of
 * {@code DATABASE_URL} (a jdbc:postgresql URL with credentials) when that is set.
 * Use as {@code @RegisterExtension static final TestPostgres pg = new TestPostgres();}.
 */
public final class TestPostgres implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(TestPostgres.class);

    private Server server;
    private String dbName;
    private Database database;

    /** The JVM-wide server: created once, closed when the whole test run ends. */
    private record Server(EmbeddedPostgres embedded, String baseUrl, String user) implements AutoCloseable {
        static Server start() {
            String external = System.getenv("DATABASE_URL");
            if (external != null && external.startsWith("jdbc:postgresql://")) {
                return new Server(null, external, null);
            }
            try {
                EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
                return new Server(pg, "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres", "postgres");
            } catch (IOException e) {
                throw new IllegalStateException("embedded PostgreSQL did not start", e);
            }
        }

        String urlFor(String db) {
            String withDb = baseUrl.replaceFirst("(//[^/]+/)[^?]*", "$1" + db);
            return user == null ? withDb : withDb + (withDb.contains("?") ? "&" : "?") + "user=" + user;
        }

        Connection admin() throws SQLException {
            return DriverManager.getConnection(urlFor("postgres"));
        }

        @Override
        public void close() throws IOException {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = context.getRoot().getStore(NS).computeIfAbsent(Server.class, k -> Server.start(), Server.class);
        dbName = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = server.admin(); Statement s = c.createStatement()) {
            s.execute("create database " + dbName);
        }
        database = Database.ofJdbcUrl(jdbcUrl());
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        database.close();
        try (Connection c = server.admin(); Statement s = c.createStatement()) {
            s.execute("drop database if exists " + dbName + " with (force)");
        }
    }

    public Database database() {
        return database;
    }

    /** JDBC URL (with credentials) of this class's database, usable as DATABASE_URL. */
    public String jdbcUrl() {
        return server.urlFor(dbName);
    }
}
