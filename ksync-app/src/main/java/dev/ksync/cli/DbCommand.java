package dev.ksync.cli;

import dev.ksync.config.AppConfig;
import dev.ksync.db.EmbeddedServer;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.secrets.SecretBox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Option;
import dev.ksync.db.Database;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "db", description = "Database maintenance.", subcommands = {DbCommand.Migrate.class, DbCommand.Serve.class})
public final class DbCommand {

    @Command(name = "migrate", description = "Apply pending schema migrations (serve also does this at start).")
    static final class Migrate extends EnvCommand {
        Migrate() {}

        Migrate(Map<String, String> env, PrintStream stdout) {
            super(env, stdout);
        }

        @Override
        public Integer call() {
            // a schema's migration opens no stored Klaviyo key: KSYNC_SECRET_KEY is not needed, even with DATABASE_URL
            AppConfig config = AppConfig.loadWithoutSecretKey(env);
            try (Database db = Database.open(config.database(), config.dataDir())) {
                stdout.println("database schema is at version " + db.schemaVersion());
            }
            return 0;
        }
    }

    @Command(name = "serve", description = "Run the embedded PostgreSQL alone and print its DATABASE_URL, so several"
            + " `ksync serve` nodes can share it; stops the server on Ctrl-C or SIGTERM.")
    static final class Serve implements Callable<Integer> {
        @Option(names = "--port", description = "Port on 127.0.0.1 (default: a free one).")
        int port;

        @Override
        public Integer call() throws Exception {
            PortOption.checked(port);
            AppConfig config = AppConfig.fromSystemEnv();
            EmbeddedServer server;
            try {
                server = EmbeddedServer.serve(config.dataDir(), port);
            } catch (IOException e) {
                throw new KsyncException(ErrorKind.UNAVAILABLE, "database_unavailable",
                        "Could not start the embedded PostgreSQL: " + e.getMessage(), Map.of(), e);
            }
            // Migrated once here, so the nodes that connect start on the current schema.
            String version;
            try (Database db = Database.ofJdbcUrl(server.databaseUrl().value())) {
                version = db.schemaVersion();
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "ksync-db-stop"));
            // The operator's own terminal: the one place the password is shown (never logged).
            System.out.println("PostgreSQL for ksync on 127.0.0.1:" + server.port() + " (schema version " + version
                    + "); stop with Ctrl-C. Start nodes with both of these (export them, or put them before each"
                    + " ksync serve):");
            System.out.println("DATABASE_URL=" + server.databaseUrl().value());
            System.out.println(secretKeyLines(config));
            System.out.flush();
            stopped.await();
            return 0;
        }

        /**
         * How the nodes get the one KSYNC_SECRET_KEY they must share (it encrypts the stored Klaviyo keys), never the
         * key itself: the variable set in this shell, else this data directory's key file (the key embedded mode has
         * used), made now when there is none.
         */
        static String secretKeyLines(AppConfig config) {
            if (config.secretKey().isPresent()) {
                return "KSYNC_SECRET_KEY=\"$KSYNC_SECRET_KEY\"   (the one set in this shell; every node needs the same)";
            }
            Path file = SecretBox.keyFile(config);
            boolean made = !Files.exists(file);
            SecretBox.forConfig(config); // makes the key file when there is none
            return "KSYNC_SECRET_KEY=\"$(cat '" + file + "')\"\n(" + (made ? "made now: " : "")
                    + "this data directory's key file, readable by you only; every node needs the same key)";
        }
    }
}
