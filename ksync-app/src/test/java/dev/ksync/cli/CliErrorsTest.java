package dev.ksync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.klaviyo.error.KlaviyoException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class CliErrorsTest {
    @Command(name = "t")
    static final class Throws implements Runnable {
        /** An option the request field {@code pageSize} is spelt as on the command line. */
        @Option(names = "--page-size") Integer pageSize;
        RuntimeException failure;

        @Override
        public void run() {
            throw failure;
        }
    }

    private static int exit(RuntimeException failure, StringWriter err) {
        Throws cmd = new Throws();
        cmd.failure = failure;
        CommandLine cli = new CommandLine(cmd).setExecutionExceptionHandler(new CliErrors());
        cli.setErr(new PrintWriter(err));
        return cli.execute();
    }

    @Test
    void a_rejected_klaviyo_key_exits_2_because_the_user_must_fix_it() {
        StringWriter err = new StringWriter();
        assertThat(exit(new KlaviyoException.Unauthorized("get_profiles", "not_authenticated", null), err)).isEqualTo(2);
        assertThat(err.toString()).startsWith("ksync: Klaviyo rejected the API key").doesNotContain("Exception");
    }

    @Test
    void a_spent_quota_exits_3_and_says_when_to_run_again() {
        StringWriter err = new StringWriter();
        Instant reset = Instant.parse("2026-12-02T00:00:00Z");
        KsyncException spent = new KsyncException(ErrorKind.RATE_LIMITED, "report_quota_exhausted", "No calls left.",
                Map.of(), null).withRetryAt(reset);
        assertThat(exit(spent, err)).isEqualTo(3);
        assertThat(err.toString()).contains("No calls left.", "after 2026-12-02T00:00:00Z");
    }

    @Test
    void a_bug_exits_1_without_a_stack_trace_on_stderr() {
        StringWriter err = new StringWriter();
        assertThat(exit(new IllegalStateException("boom"), err)).isEqualTo(1);
        assertThat(err.toString()).contains("unexpected error").doesNotContain("\tat ");
    }

    @Test
    void a_bad_field_the_command_has_an_option_for_is_named_as_the_option_wherever_it_was_thrown() {
        StringWriter err = new StringWriter();
        assertThat(exit(KsyncException.badInput("pageSize", 5000, "1..1000"), err)).isEqualTo(2);
        assertThat(err.toString()).startsWith("ksync: --page-size is '5000'; allowed: 1..1000");

        StringWriter other = new StringWriter();
        assertThat(exit(KsyncException.badInput("sortBy", "x", "a field"), other)).isEqualTo(2);
        assertThat(other.toString()).as("no such option: the field as it is").startsWith("ksync: sortBy is 'x'");
    }

    @Test
    void klaviyo_disabled_exits_4_apart_from_other_user_errors() {
        StringWriter err = new StringWriter();
        KsyncException off = new KsyncException(ErrorKind.DISABLED, "klaviyo_disabled", "needs KLAVIYO_ENABLE=true",
                Map.of());
        assertThat(exit(off, err)).isEqualTo(4);
        assertThat(err.toString()).startsWith("ksync: needs KLAVIYO_ENABLE=true");
    }
}
