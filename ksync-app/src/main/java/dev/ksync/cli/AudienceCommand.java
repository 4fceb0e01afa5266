package dev.ksync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ksync.accounts.AccountId;
import dev.ksync.app.Ksync;
import dev.ksync.audience.AudienceRequest;
import dev.ksync.audience.AudienceResult;
import dev.ksync.audience.AudienceSchema;
import dev.ksync.config.AppConfig;
import dev.ksync.error.KsyncException;
import dev.ksync.http.AudienceRequestParser;
import dev.ksync.klaviyo.wire.Profile;
import dev.ksync.request.Choices;
import dev.ksync.store.UploadId;
import dev.ksync.sync.Format;
import dev.ksync.sync.Mode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ksync audience}: the audience-sync body fields as kebab-case options; CSV to stdout or --out. */
@Command(name = "audience", description = "Build subscribers.csv from Klaviyo profiles (or a JSON file of profiles)."
        + " The Klaviyo key comes from the registered --account-id, or KLAVIYO_API_KEY_PRIVATE / KLAVIYO_API_KEY.")
public final class AudienceCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--mode", description = "dry-run | live (default dry-run)") String mode;
    @Option(names = "--format", description = "csv | json (default csv on the command line)", defaultValue = "csv")
    String format;
    @Option(names = "--schema", description = "minimal | extended | required (default minimal)") String schema;
    @Option(names = "--source", description = "klaviyo | profiles (default klaviyo on the command line)",
            defaultValue = "klaviyo") String source;
    @Option(names = "--profiles", paramLabel = "FILE", description = "JSON array of profiles, for --source profiles")
    Path profiles;
    @Option(names = "--account-id", description = "Registered account (its key is used) and storage folder")
    String accountId;
    @Option(names = "--upload-id", description = "Folder of a live write (default: the UTC time)") String uploadId;
    @Option(names = "--page-size", description = "1..1000 (default 100)") Integer pageSize;
    @Option(names = "--max-pages", description = "Pages of --page-size to scan (default all; 0 = header only)")
    Integer maxPages;
    @Option(names = "--sort-by", description = "created | email | id | updated | …") String sortBy;
    @Option(names = "--sort-dir", description = "asc | desc") String sortDir;
    @Option(names = "--include-suppressed", description = "Keep unsubscribed and suppressed profiles")
    boolean includeSuppressed;
    @Option(names = "--enrich-events", description = "Fill First Active / Last Open / Last Click from events")
    boolean enrichEvents;
    @Option(names = "--enrich-profile-limit", description = "Enrich at most this many profiles") Integer enrichProfileLimit;
    @Option(names = "--enrich-events-max-pages", description = "Read at most this many event pages for enrichment")
    Integer enrichEventsMaxPages;
    @Option(names = "--out", paramLabel = "FILE", description = "Write the CSV here instead of stdout") Path out;
    @Option(names = "--overwrite", description = "Let a live run replace an object with other content under its key")
    boolean overwrite;
    @Spec CommandSpec spec;

    private final Map<String, String> env;
    private final PrintStream stdout;

    public AudienceCommand() {
        this(System.getenv(), System.out);
    }

    /** A command reading {@code env} instead of the process environment and printing to {@code stdout} (tests). */
    AudienceCommand(Map<String, String> env, PrintStream stdout) {
        this.env = env;
        this.stdout = stdout;
    }

    @Override
    public Integer call() throws IOException {
        AudienceRequest req = OptionNames.build(spec, this::request);
        long total = req.source() == AudienceRequest.Source.PROFILES ? Math.min(req.profiles().size(), req.profileLimit())
                : req.profileLimit() == Long.MAX_VALUE ? 0 : req.profileLimit();
        Progress progress = new Progress("profiles scanned", total);
        try (Ksync ksync = Ksync.start(AppConfig.load(env))) {
            AudienceResult result;
            if (req.mode() == Mode.LIVE) {
                result = ksync.audience().live(req, progress);
                progress.done();
                stdout.println(JSON.writeValueAsString(result));
            } else if (req.format() == Format.JSON) {
                result = ksync.audience().export(req, OutputStream.nullOutputStream(), progress);
                progress.done();
                stdout.println(JSON.writeValueAsString(result));
            } else if (out != null) {
                Path tmp = Files.createTempFile(out.toAbsolutePath().getParent(), ".ksync-", ".csv.part");
                try {
                    try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(tmp))) {
                        result = ksync.audience().export(req, o, progress);
                    }
                    Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(tmp);
                }
                progress.done();
                System.err.println("wrote " + result.rows() + " rows to " + out);
            } else {
                OutputStream o = new BufferedOutputStream(stdout);
                result = ksync.audience().export(req, o, progress);
                o.flush();
                progress.done();
            }
        }
        return 0;
    }

    /** The options as a request; a bad value names its option. */
    private AudienceRequest request() {
        AudienceRequest.Builder b = AudienceRequest.builder()
                .format(Choices.parse("--format", Format.class, format))
                .source(Choices.parse("--source", AudienceRequest.Source.class, source))
                .includeSuppressed(includeSuppressed)
                .enrichEvents(enrichEvents)
                .enrichProfileLimit(enrichProfileLimit)
                .enrichEventsMaxPages(enrichEventsMaxPages)
                .maxPages(maxPages)
                .sortBy(sortBy)
                .overwrite(overwrite);
        if (mode != null) b.mode(Choices.parse("--mode", Mode.class, mode));
        if (schema != null) b.schema(Choices.parse("--schema", AudienceSchema.class, schema));
        if (sortDir != null) b.sortDir(Choices.parse("--sort-dir", AudienceRequest.SortDir.class, sortDir));
        if (pageSize != null) b.pageSize(pageSize);
        if (accountId != null) b.accountId(AccountId.of("--account-id", accountId));
        if (uploadId != null) b.uploadId(new UploadId(uploadId));
        if (profiles != null) {
            b.profiles(readProfiles());
        } else if ("profiles".equals(source)) {
            throw KsyncException.badInput("--profiles", null, "a JSON file of profiles when --source is profiles");
        }
        return b.build();
    }

    private List<Profile> readProfiles() {
        if (!Files.isReadable(profiles)) {
            throw KsyncException.badInput("--profiles", profiles.toString(), "a readable JSON file");
        }
        JsonNode p;
        try {
            p = JSON.readTree(profiles.toFile());
        } catch (IOException e) {
            throw KsyncException.badInput("--profiles", profiles.toString(), "a JSON array of profiles");
        }
        return AudienceRequestParser.profiles(p.has("data") ? p.get("data") : p, "--profiles");
    }
}
