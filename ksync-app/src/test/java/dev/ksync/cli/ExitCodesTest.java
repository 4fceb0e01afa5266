package dev.ksync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ksync.accounts.BackfillRows;
import dev.ksync.http.TestRig;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The exit code says whose move it is (README, Quick start): 2 when the user must fix something (a key Klaviyo
 * rejects, whichever command met it), 3 when waiting and rerunning is the fix (work of the same kind is running). The
 * one line on stderr of a command working on an account names the account and the error's code.
 */
class ExitCodesTest {
    @RegisterExtension
    static final TestRig rig = TestRig.cli().env("KLAVIYO_API_KEY", "pk_wrong_EXITCODE_0000")
            .sandbox(SandboxOptions.defaults().withProfiles(50).withHistoryDays(5).withRateLimits(RateLimitMode.OFF));

    @Test
    void an_ingest_whose_every_failure_is_a_rejected_key_exits_2_as_a_sync_does() {
        Run ingest = Run.of(IngestCommand::new, rig.env(), "--mode", "inc", "--only", "lists");
        Run flows = Run.of(FlowsCommand::new, rig.env(), "--days", "2");

        assertThat(ingest.exit()).as(ingest.err()).isEqualTo(2);
        assertThat(ingest.err()).contains("(401)").doesNotContain("EXITCODE");
        assertThat(flows.exit()).as(flows.err()).isEqualTo(2);
    }

    @Test
    void a_failing_command_on_an_account_names_the_account_and_the_code_on_its_one_line() {
        register("acme", "pk_wrong_ACME_0000");
        Run update = Run.of(UpdateCommand::new, rig.env(), "--account-id", "acme", "--fast");
        Run flows = Run.of(FlowsCommand::new, rig.env(), "--account-id", "acme", "--days", "2");
        Run ingest = Run.of(IngestCommand::new, rig.env(), "--mode", "inc", "--only", "lists", "--account-id", "acme");
        Run noAccount = Run.of(FlowsCommand::new, rig.env(), "--days", "2");

        assertThat(update.exit()).as(update.err()).isEqualTo(2);
        assertThat(update.err()).startsWith("ksync: update of account acme failed (klaviyo_unauthorized): ")
                .contains("Klaviyo rejected the API key (401)").hasLineCount(1).doesNotContain("ACME");
        assertThat(flows.exit()).as(flows.err()).isEqualTo(2);
        assertThat(flows.err()).startsWith("ksync: flow sync of account acme failed (klaviyo_unauthorized): ")
                .hasLineCount(1).doesNotContain("ACME");
        assertThat(ingest.exit()).as(ingest.err()).isEqualTo(2);
        assertThat(ingest.err()).startsWith("ksync: ingestion (inc) of account acme failed (ingest_failed): Ingesting"
                + " lists failed").contains("(401)").hasLineCount(1).doesNotContain("ACME");
        assertThat(noAccount.err()).as("no account named: the line as it was")
                .startsWith("ksync: Klaviyo rejected the API key (401)");
    }

    @Test
    void backfill_start_while_one_runs_exits_3_rerun_later() {
        register("busy", "pk_sandbox");
        BackfillRows.completed(rig.pg().database().jdbi(), "busy", 0);
        rig.pg().database().jdbi().useHandle(h -> h.execute(
                "update backfill_status set status = 'in_progress' where account_id = 'busy'"));

        Run r = Run.of(BackfillCommand.Start::new, rig.env(), "busy", "--test");

        assertThat(r.exit()).as(r.err()).isEqualTo(3);
        assertThat(r.err()).startsWith("ksync: backfill start of account busy failed (backfill_running): The backfill"
                + " of 'busy' is running; wait for it to end, or cancel it");
    }

    private static void register(String account, String key) {
        Run added = Run.of((env, out) -> new AccountsCommand.Add(env, out,
                new ByteArrayInputStream((key + "\n").getBytes(StandardCharsets.UTF_8)), null), rig.env(), account);
        assertThat(added.exit()).as(added.err()).isZero();
    }
}
