package dev.ksync.cli;

import dev.ksync.config.AppConfig;
import dev.ksync.db.Database;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "db", description = "Database maintenance.", subcommands = DbCommand.Migrate.class)
public final class DbCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "migrate", description = "Apply pending schema migrations (serve also does this at start).")
    static final class Migrate implements Callable<Integer> {
        @Override
        public Integer call() {
            AppConfig config = AppConfig.fromSystemEnv();
            try (Database db = Database.open(config.database(), config.dataDir())) {
                System.out.println("database schema is at version " + db.schemaVersion());
            }
            return 0;
        }
    }
}
