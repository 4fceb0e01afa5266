package dev.ksync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.app.Main;
import dev.ksync.http.TestRig;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * PRODUCT.md §1 on the command line: with {@code KLAVIYO_ENABLE} unset, every command that would reach Klaviyo or
 * write storage stops before any call with one line naming {@code KLAVIYO_ENABLE=true} and exit code 4, while work
 * that does neither (a dry run from a profiles file, listing what cleanup would remove, the logs and statuses, help)
 * goes on. The sandbox and a Klaviyo key are there, so only the gate stands between a command and Klaviyo.
 */
class KlaviyoEnableCommandsTest {
    private static final ObjectMapper json = new ObjectMapper();

    @RegisterExtension
    static final TestRig rig = TestRig.cli()
            .sandbox(SandboxOptions.defaults().withProfiles(50).withRateLimits(RateLimitMode.OFF));

    /** The rig's environment (database, sandbox URL and key) without KLAVIYO_ENABLE. */
    private static Map<String, String> disabled() {
        Map<String, String> env = rig.env();
        env.remove("KLAVIYO_ENABLE");
        return env;
    }

    private static Run run(BiFunction<Map<String, String>, PrintStream, Callable<Integer>> command, String... args) {
        return Run.of(command, disabled(), args);
    }

    @AfterEach
    void nothing_reached_klaviyo_or_storage() throws Exception {
        assertThat(rig.sandbox().stats()).as("Klaviyo calls").isEmpty();
        Path buckets = rig.dataDir().resolve("buckets");
        if (Files.exists(buckets)) {
            try (Stream<Path> files = Files.walk(buckets)) {
                assertThat(files.filter(Files::isRegularFile).toList()).as("stored objects").isEmpty();
            }
        }
    }

    @Test
    void every_command_that_reaches_klaviyo_or_writes_storage_exits_4_naming_klaviyo_enable() throws Exception {
        Path profiles = profilesFile();
        List<Run> refused = List.of(
                run(AudienceCommand::new, "--account-id", "acme", "--mode", "live", "--upload-id", "cli1"),
                run(AudienceCommand::new, "--max-pages", "1"),
                run(AudienceCommand::new, "--profiles", profiles.toString(), "--enrich-events"),
                run(FlowsCommand::new, "--days", "7"),
                run(CampaignsCommand::new, "--format", "json"),
                run(UpdateCommand::new, "--mode", "dry-run", "--fast"),
                run(UpdateCommand::new, "--mode", "live", "--account-id", "acme"),
                run(CleanupCommand::new, "--no-dry-run"),
                run(IngestCommand::new, "--mode", "inc", "--account-id", "acme"),
                run(BackfillCommand.Start::new, "acme", "--test"));

        for (Run r : refused) {
            assertThat(r.exit()).as(r.err()).isEqualTo(4);
            assertThat(r.err().strip().lines()).singleElement().asString()
                    .startsWith("ksync: ").contains("KLAVIYO_ENABLE=true").doesNotContain("Exception");
            assertThat(r.out()).isEmpty();
        }
        Run log = run(IngestCommand.Log::new);
        assertThat(log.exit()).as(log.err()).isZero();
        assertThat(json.readTree(log.out())).as("no ingestion was logged").isEmpty();
        Run backfills = run(BackfillCommand.Status::new);
        assertThat(backfills.exit()).as(backfills.err()).isZero();
        assertThat(json.readTree(backfills.out()).path("clients")).as("no backfill was started").isEmpty();
    }

    @Test
    void a_dry_run_from_a_profiles_file_needs_no_source_option_and_no_klaviyo_enable() throws Exception {
        Run r = run(AudienceCommand::new, "--profiles", profilesFile().toString());

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("Email,").contains("a@example.com", "P1");
    }

    @Test
    void profiles_with_an_explicit_klaviyo_source_are_still_refused_naming_the_option() throws Exception {
        Run r = run(AudienceCommand::new, "--source", "klaviyo", "--profiles", profilesFile().toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--profiles is").doesNotContain("KLAVIYO_ENABLE");
    }

    @Test
    void cleanup_lists_by_default_and_with_dry_run_without_klaviyo_enable() throws Exception {
        for (String[] args : List.of(new String[0], new String[] {"--dry-run"})) {
            Run r = run(CleanupCommand::new, args);
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(json.readTree(r.out()).path("dryRun").asBoolean()).isTrue();
        }
    }

    @Test
    void help_needs_no_klaviyo_enable_and_states_the_dry_run_defaults() {
        for (String[] command : List.of(new String[] {"audience"}, new String[] {"flows"},
                new String[] {"campaigns"}, new String[] {"update"}, new String[] {"cleanup"},
                new String[] {"ingest"}, new String[] {"backfill", "start"})) {
            Run r = help(command);
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("Usage: ksync " + String.join(" ", command));
        }
        assertThat(help("update").out()).contains("(default dry-run)").doesNotContain("default live");
        assertThat(help("cleanup").out()).contains("--[no-]dry-run");
    }

    /** {@code ksync COMMAND --help} as {@code ksync} runs it. */
    private static Run help(String... command) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(Stream.concat(Stream.of(command), Stream.of("--help")).toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    private static Path profilesFile() throws Exception {
        Path file = rig.dataDir().resolve("profiles.json");
        Files.writeString(file, "[{\"id\":\"P1\",\"email\":\"a@example.com\"}]");
        return file;
    }
}
