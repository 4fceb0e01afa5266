package dev.ksync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.http.TestRig;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code ksync flows} and {@code ksync campaigns} against the sandbox: the same files and answers as the API. */
class ReportSyncCommandsTest {
    private static final ObjectMapper json = new ObjectMapper();

    @RegisterExtension
    static final TestRig rig = TestRig.cli()
            .sandbox(SandboxOptions.defaults().withProfiles(500).withRateLimits(RateLimitMode.OFF));

    static Run flows(String... args) {
        return Run.of(FlowsCommand::new, rig.env(), args);
    }

    static Run campaigns(String... args) {
        return Run.of(CampaignsCommand::new, rig.env(), args);
    }

    @Test
    void flows_csv_to_a_file_is_the_file_the_live_run_stores() throws Exception {
        Path file = rig.dataDir().resolve("flows.csv");
        Run dry = flows("--start", "2025-09-01", "--end", "2025-09-05", "--limit-flows", "10", "--out", file.toString());
        assertThat(dry.exit()).as(dry.err()).isZero();
        assertThat(dry.out()).isEmpty();
        assertThat(Files.readString(file)).startsWith("Day,Flow ID,Flow Name,Flow Message ID,");

        Run live = flows("--mode", "live", "--account-id", "acme", "--upload-id", "cli-1", "--start", "2025-09-01",
                "--end", "2025-09-05", "--limit-flows", "10");
        assertThat(live.exit()).as(live.err()).isZero();
        JsonNode answer = json.readTree(live.out());
        assertThat(answer.get("key").asText()).isEqualTo("acme/cli-1/flows.csv");
        assertThat(Files.readString(rig.dataDir().resolve("buckets/flow-staging/acme/cli-1/flows.csv")))
                .isEqualTo(Files.readString(file));
    }

    @Test
    void a_live_run_onto_other_content_names_the_overwrite_and_upload_id_options() {
        Run first = flows("--mode", "live", "--account-id", "acme", "--upload-id", "cli-2", "--days", "3",
                "--limit-flows", "1");
        assertThat(first.exit()).as(first.err()).isZero();

        Run second = flows("--mode", "live", "--account-id", "acme", "--upload-id", "cli-2", "--days", "4",
                "--limit-flows", "1");

        assertThat(second.exit()).isEqualTo(2);
        assertThat(second.err()).contains("Use another --upload-id, or pass --overwrite to replace it.")
                .doesNotContain("\"overwrite\"");
    }

    @Test
    void flows_json_answers_like_the_api() throws Exception {
        Run r = flows("--format", "json", "--days", "7", "--aggregation", "auto");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode b = json.readTree(r.out());
        assertThat(b.get("days").asInt()).isEqualTo(7);
        assertThat(b.get("diagnostics").get("plan").get("choice").asText()).startsWith("auto: per-day");
    }

    @Test
    void campaigns_json_and_csv_to_stdout() throws Exception {
        Run j = campaigns("--format", "json", "--timeframe-key", "last_90_days", "--limit-campaigns", "3");
        assertThat(j.exit()).as(j.err()).isZero();
        JsonNode b = json.readTree(j.out());
        assertThat(b.get("campaigns").asInt()).isLessThanOrEqualTo(3);
        assertThat(b.get("diagnostics").get("caps").get(0).get("field").asText()).isEqualTo("limitCampaigns");
        Run c = campaigns("--timeframe-key", "last_90_days", "--channel", "sms");
        assertThat(c.exit()).as(c.err()).isZero();
        assertThat(c.out()).startsWith("Day,Campaign ID,Campaign Name,Campaign Message ID,Subject,Channel,");
    }

    @Test
    void bad_options_are_named_as_typed() {
        assertThat(flows("--days", "0").err()).contains("--days is '0'");
        assertThat(flows("--aggregation", "weekly").err()).contains("--aggregation is 'weekly'; allowed: per-day, range, auto");
        assertThat(flows("--report-strategy", "x").err()).contains("--report-strategy is 'x'");
        assertThat(flows("--start", "2025-9-1", "--end", "2025-09-05").err()).contains("--start is '2025-9-1'");
        Run far = flows("--start", "+999999999-01-01", "--end", "+999999999-01-02");
        assertThat(far.exit()).as(far.err()).isEqualTo(2); // was 1, a bug: day arithmetic past LocalDate's limits
        assertThat(far.err()).contains("--start is '+999999999-01-01'; allowed: a day as YYYY-MM-DD in the years 2000"
                + " to 2100");
        assertThat(flows("--limit-flows", "0").err()).contains("--limit-flows is '0'");
        assertThat(flows("--mode", "live").err()).contains("--account-id is missing");
        assertThat(campaigns("--channel", "push").err()).contains("--channel is 'push'; allowed: email, sms");
        assertThat(campaigns("--timeframe-key", "forever").err()).contains("--timeframe-key is 'forever'");
        assertThat(flows("--days", "0").exit()).isEqualTo(2);
    }
}
