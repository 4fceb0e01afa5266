package dev.ksync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ksync.app.Ksync;
import dev.ksync.audience.AudienceReport;
import dev.ksync.audience.AudienceRequest;
import dev.ksync.audience.AudienceResult;
import dev.ksync.audience.AudienceSchema;
import dev.ksync.config.AppConfig;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.http.AudienceRequestParser;
import dev.ksync.klaviyo.wire.Profile;
import dev.ksync.request.Choices;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ksync audience}: the audience-sync body fields as kebab-case options; CSV to stdout or --out. */
@Command(name = "audience", description = "Build subscribers.csv from Klaviyo profiles (or a JSON file of profiles)."
        + " The Klaviyo key comes from the registered --account-id, or KLAVIYO_API_KEY_PRIVATE / KLAVIYO_API_KEY.")
public final class AudienceCommand extends SyncCommand<AudienceRequest, AudienceReport> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--schema", description = "minimal | extended | required (default minimal)") String schema;
    @Option(names = "--source", description = "klaviyo | profiles (default profiles with --profiles, else klaviyo)")
    String source;
    @Option(names = "--profiles", paramLabel = "FILE",
            description = "JSON array of profiles (implies --source profiles)") Path profiles;
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

    public AudienceCommand() {
        this(System.getenv(), System.out);
    }

    /** A command reading {@code env} instead of the process environment and printing to {@code stdout} (tests). */
    AudienceCommand(Map<String, String> env, PrintStream stdout) {
        super(env, stdout, "audience sync", Ksync::audience, AppConfig.Buckets::audienceStaging,
                AudienceCommand::progress, (req, r) -> AudienceResult.of(r));
    }

    private static Progress progress(AudienceRequest req, AppConfig config) {
        long total = req.source() == AudienceRequest.Source.PROFILES ? Math.min(req.profiles().size(), req.profileLimit())
                : req.profileLimit() == Long.MAX_VALUE ? 0 : req.profileLimit();
        return new Progress("profiles scanned", total);
    }

    /** A dry run from a profiles file reaches neither Klaviyo nor storage. */
    @Override
    boolean gated(AudienceRequest req) {
        return req.gated();
    }

    @Override
    AudienceRequest request() {
        AudienceRequest.Builder b = sync.applyTo(AudienceRequest.builder())
                .source(source())
                .includeSuppressed(includeSuppressed)
                .enrichEvents(enrichEvents)
                .enrichProfileLimit(enrichProfileLimit)
                .enrichEventsMaxPages(enrichEventsMaxPages)
                .maxPages(maxPages)
                .sortBy(sortBy);
        if (schema != null) b.schema(Choices.parse("--schema", AudienceSchema.class, schema));
        if (sortDir != null) b.sortDir(Choices.parse("--sort-dir", AudienceRequest.SortDir.class, sortDir));
        if (pageSize != null) b.pageSize(pageSize);
        if (profiles != null) {
            b.profiles(readProfiles());
        } else if ("profiles".equals(source)) {
            throw KsyncException.badInput("--profiles", null, "a JSON file of profiles when --source is profiles");
        }
        return b.build();
    }

    /** As given; else a {@code --profiles} file is the source, and without one Klaviyo is. */
    private AudienceRequest.Source source() {
        if (source != null) return Choices.parse("--source", AudienceRequest.Source.class, source);
        return profiles != null ? AudienceRequest.Source.PROFILES : AudienceRequest.Source.KLAVIYO;
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
        if (p == null || p.isMissingNode() || p.isNull()) {
            // an empty file parses to nothing: say so, not that --profiles is missing
            throw new KsyncException(ErrorKind.BAD_INPUT, "invalid_profiles", "--profiles file "
                    + profiles + " has no profiles (it is empty); allowed: a JSON array of profiles, or {\"data\": [...]}",
                    Map.of("field", "--profiles", "value", profiles.toString()));
        }
        return AudienceRequestParser.profiles(p.has("data") ? p.get("data") : p, "--profiles");
    }
}
