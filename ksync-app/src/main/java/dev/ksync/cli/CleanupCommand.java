package dev.ksync.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ksync.app.Ksync;
import dev.ksync.config.AppConfig;
import java.io.PrintStream;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ksync cleanup [--no-dry-run]}: lists (by default, as {@code POST /api/cleanup}) or removes what is older than
 * KSYNC_RETENTION_DAYS, and prints what.
 */
@Command(name = "cleanup", description = "List (by default) or, with --no-dry-run, remove staging objects, uploads"
        + " (with their snapshots and ingest objects) and idempotency keys older than KSYNC_RETENTION_DAYS; never an"
        + " account's newest ready snapshot.")
public final class CleanupCommand extends EnvCommand {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--dry-run", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "List what would be removed and remove nothing (the default); --no-dry-run removes it"
                    + " (needs KLAVIYO_ENABLE=true)")
    boolean dryRun;

    public CleanupCommand() {}

    CleanupCommand(Map<String, String> env, PrintStream stdout) {
        super(env, stdout);
    }

    @Override
    public Integer call() throws Exception {
        AppConfig config = AppConfig.load(env);
        if (!dryRun) {
            KlaviyoEnable.require(config, "ksync cleanup --no-dry-run");
        }
        try (Ksync ksync = Ksync.start(config)) {
            stdout.println(JSON.writeValueAsString(ksync.cleanup().run(dryRun)));
        }
        return 0;
    }
}
