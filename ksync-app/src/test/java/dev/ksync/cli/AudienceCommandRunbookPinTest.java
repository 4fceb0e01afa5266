package dev.ksync.cli;

import static dev.ksync.http.RunbookAnswers.assertPinned;
import static dev.ksync.http.RunbookAnswers.withoutTimings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ksync.http.RunbookAnswers;
import dev.ksync.http.TestRig;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code ksync audience} with the runbook's three examples as options: the same answers as before the runner. */
class AudienceCommandRunbookPinTest {
    @RegisterExtension
    static final TestRig rig = TestRig.cli().env("KLAVIYO_RATE_SCALE", "1000")
            .sandbox(SandboxOptions.defaults().withProfiles(RunbookAnswers.PROFILES).withRateLimits(RateLimitMode.OFF),
                    RunbookAnswers.SANDBOX_CLOCK);

    static Run audience(String... args) {
        return Run.of(AudienceCommand::new, rig.env(), args);
    }

    @Test
    void dry_run_json_answer_is_unchanged() throws Exception {
        Run r = audience("--format", "json", "--source", "klaviyo", "--schema", "required", "--page-size", "100",
                "--max-pages", "1");
        assertThat(r.exit()).as(r.err()).isZero();
        assertPinned("cli-dry-run.json", withoutTimings(r.out()));
    }

    @Test
    void dry_run_csv_to_stdout_is_unchanged() throws Exception {
        Run r = audience("--schema", "required", "--page-size", "200", "--max-pages", "2");
        assertThat(r.exit()).as(r.err()).isZero();
        assertPinned("cli-dry-run.csv", r.out());
    }

    @Test
    void dry_run_csv_to_a_file_is_unchanged() throws Exception {
        Path file = rig.dataDir().resolve("subscribers.csv");
        Run r = audience("--schema", "required", "--page-size", "200", "--max-pages", "2", "--out", file.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEmpty();
        assertPinned("cli-dry-run.csv", Files.readString(file));
    }

    @Test
    void live_answer_is_unchanged() throws Exception {
        Run r = audience("--mode", "live", "--format", "json", "--schema", "required", "--account-id", "acc_canary_1",
                "--upload-id", "2025-09-17T01-00-00Z", "--page-size", "500", "--max-pages", "10");
        assertThat(r.exit()).as(r.err()).isZero();
        assertPinned("cli-live.json", withoutTimings(r.out()));
        // the CLI stores the very object the HTTP live run stores
        assertPinned("live-subscribers.csv", Files.readString(
                rig.dataDir().resolve("buckets/audience-staging/acc_canary_1/2025-09-17T01-00-00Z/subscribers.csv")));
    }

    @Test
    void bad_options_are_named_as_typed_on_the_command_line() {
        Run live = audience("--mode", "live", "--schema", "required");
        assertThat(live.exit()).isEqualTo(2);
        assertThat(live.err()).contains("--account-id is missing").doesNotContain("accountId");
        Run pages = audience("--page-size", "5000");
        assertThat(pages.exit()).isEqualTo(2);
        assertThat(pages.err()).contains("--page-size is '5000'; allowed: a whole number from 1 to 1000");
        Run sort = audience("--sort-by", "name");
        assertThat(sort.err()).contains("--sort-by is 'name'");
        Run mode = audience("--mode", "yolo");
        assertThat(mode.err()).contains("--mode is 'yolo'; allowed: dry-run, live");
    }

    @Test
    void an_empty_profiles_file_is_said_to_have_no_profiles_not_to_be_missing() throws Exception {
        Path empty = java.nio.file.Files.createFile(rig.dataDir().resolve("empty-profiles.json"));

        Run r = audience("--profiles", empty.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("ksync: --profiles file " + empty + " has no profiles (it is empty)")
                .doesNotContain("missing");
    }

    @Test
    void a_live_run_over_other_content_exits_2_with_object_exists_unless_overwrite() {
        String[] first = {"--mode", "live", "--account-id", "acme", "--upload-id", "cli-taken", "--page-size", "10",
                "--max-pages", "1", "--sort-by", "created"};
        assertThat(audience(first).exit()).isZero();
        String[] other = {"--mode", "live", "--account-id", "acme", "--upload-id", "cli-taken", "--page-size", "10",
                "--max-pages", "2", "--sort-by", "created"};
        Run refused = audience(other);
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("already stored at acme/cli-taken/subscribers.csv");
        String[] overwrite = java.util.Arrays.copyOf(other, other.length + 1);
        overwrite[other.length] = "--overwrite";
        assertThat(audience(overwrite).exit()).isZero();
    }
}
