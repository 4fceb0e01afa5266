package dev.ksync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A number out of range or a busy port is the user's to fix: exit 2 and one line naming the option and what is
 * allowed, never a stack trace and exit 1 (a bug). Each fails before anything starts.
 */
class NumericOptionsTest {
    private static Run run(java.util.function.Supplier<java.util.concurrent.Callable<Integer>> command, String... args) {
        return Run.of((env, out) -> command.get(), Map.of(), args);
    }

    @Test
    void serve_and_demo_with_a_port_out_of_range_name_port_and_its_range() {
        for (Run r : java.util.List.of(run(ServeCommand::new, "--port", "99999"),
                run(DemoCommand::new, "--exit", "--port", "99999"), run(SandboxCommand::new, "--port", "99999"),
                run(DbCommand.Serve::new, "--port", "-1"))) {
            assertThat(r.exit()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).startsWith("ksync: --port is '").contains("allowed: a port from 1 to 65535, or 0")
                    .doesNotContain("Exception");
        }
    }

    @Test
    void demo_and_sandbox_with_zero_profiles_name_profiles_and_its_range() {
        for (Run r : java.util.List.of(run(DemoCommand::new, "--exit", "--profiles", "0"),
                run(SandboxCommand::new, "--profiles", "0"))) {
            assertThat(r.exit()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).startsWith("ksync: --profiles must be 1..50000000, got 0").doesNotContain("Exception");
        }
        Run r = run(SandboxCommand::new, "--latency-ms", "-5");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("ksync: --latency-ms must be >= 0");
        assertThat(run(DemoCommand::new, "--exit", "--rate-scale", "0").err())
                .startsWith("ksync: --rate-scale is '0'; allowed: a whole number");
        Run limits = run(SandboxCommand::new, "--rate-limits", "bogus"); // a refusal that words itself stays as it is
        assertThat(limits.exit()).as(limits.err()).isEqualTo(2);
        assertThat(limits.err()).contains("bogus").doesNotContain("--invalid").doesNotContain("Exception");
    }

    @Test
    void sandbox_on_a_busy_port_says_so_as_serve_does() throws Exception {
        try (ServerSocket busy = new ServerSocket()) {
            busy.bind(new InetSocketAddress(0));
            int port = busy.getLocalPort();

            Run r = run(SandboxCommand::new, "--port", Integer.toString(port));

            assertThat(r.exit()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).startsWith("ksync: Port " + port + " is already in use: stop what listens there, or"
                    + " choose another with --port").doesNotContain("Exception");
        }
    }
}
