package dev.ksync.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ksync.accounts.AccountId;
import dev.ksync.app.Ksync;
import dev.ksync.config.AppConfig;
import dev.ksync.error.KsyncException;
import dev.ksync.ingest.DatasourceFile;
import dev.ksync.ingest.IngestMode;
import dev.ksync.ingest.IngestReport;
import dev.ksync.ingest.IngestRequest;
import dev.ksync.ingest.IngestionLog;
import dev.ksync.request.Choices;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ksync ingest --mode inc|hist}: the raw ingestion into PostgreSQL; prints the per-datasource report as JSON.
 * A run in which a datasource failed exits 3 (the others are loaded; rerun later), or 2 when every failure is the
 * user's to fix (a rejected key or scope). {@code ksync ingest log} shows
 * the ingestion log.
 */
@Command(name = "ingest", description = "Load Klaviyo's raw records into PostgreSQL tables as the runbook's datasources"
        + " file says (built in; --datasources replaces it), one schema per account.",
        subcommands = IngestCommand.Log.class)
public final class IngestCommand extends EnvCommand {
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--mode", description = "inc | hist (the file's inc_datasources or hist_datasources)") String mode;
    @Option(names = "--datasources", paramLabel = "FILE", description = "A datasources YAML replacing the runbook's")
    Path datasources;
    @Option(names = "--account-id", description = "Registered account (its key; schema klaviyo_<id>)") String accountId;
    @Option(names = "--only", split = ",", paramLabel = "NAME", description = "Just these datasource names")
    String[] only;

    public IngestCommand() {}

    IngestCommand(Map<String, String> env, PrintStream stdout) {
        super(env, stdout);
    }

    @Override
    public Integer call() throws IOException {
        IngestRequest req = request();
        AppConfig config = KlaviyoEnable.require(AppConfig.load(env), "ksync ingest");
        working("ingestion (" + req.mode().label() + ")", req.accountId());
        try (Ksync ksync = Ksync.start(config)) {
            IngestReport report = ksync.ingestion().run(req);
            stdout.println(JSON.writeValueAsString(report));
            // the report on stdout, its failure (which datasources, why) as every failure is shown
            Optional<KsyncException> failed = report.error();
            if (failed.isPresent()) {
                throw failed.get();
            }
        }
        return 0;
    }

    private IngestRequest request() {
        if (mode == null) throw KsyncException.badInput("--mode", null, "inc or hist");
        Optional<DatasourceFile> file = Optional.empty();
        if (datasources != null) {
            String yaml;
            try {
                yaml = Files.readString(datasources, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw KsyncException.badInput("--datasources", datasources.toString(), "a readable YAML file");
            }
            file = Optional.of(DatasourceFile.parse(yaml));
        }
        Set<String> names = only == null ? Set.of() : new LinkedHashSet<>(Arrays.stream(only).map(String::strip)
                .filter(s -> !s.isEmpty()).toList());
        return new IngestRequest(Choices.parse("--mode", IngestMode.class, mode),
                Optional.ofNullable(accountId).map(v -> AccountId.of("--account-id", v)), file, names, Optional.empty());
    }

    /** {@code ksync ingest log}: the newest rows of {@code ingestion_log} as JSON. */
    @Command(name = "log", description = "Show the ingestion log (newest first).")
    static final class Log extends EnvCommand {
        @Option(names = "--account-id", description = "Only this account") String accountId;
        @Option(names = "--limit", description = "At most this many rows (default ${DEFAULT-VALUE})",
                defaultValue = "" + IngestionLog.DEFAULT_LIMIT) int limit;

        Log() {}

        Log(Map<String, String> env, PrintStream stdout) {
            super(env, stdout);
        }

        @Override
        public Integer call() throws IOException {
            String account = accountId == null ? null : AccountId.of("--account-id", accountId).value();
            if (limit < 1 || limit > IngestionLog.MAX_LIMIT) {
                throw KsyncException.badInput("--limit", limit, "1.." + IngestionLog.MAX_LIMIT);
            }
            try (Ksync ksync = start()) {
                stdout.println(JSON.writeValueAsString(ksync.ingestion().log().recent(account, limit)));
            }
            return 0;
        }
    }
}
