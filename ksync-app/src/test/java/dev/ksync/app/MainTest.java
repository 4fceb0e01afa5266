package dev.ksync.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
    @Test
    void help_lists_the_commands() {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute("--help")).isZero();
        assertThat(out.toString()).contains("serve", "demo", "accounts", "db");
    }

    @Test
    void invalid_configuration_exits_2_with_every_problem_named() {
        // picocli runs the command in-process; the env is the real one, so use a command that reads a bad option.
        CommandLine cli = Main.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("accounts", "remove", "Not_Valid")).isEqualTo(2);
        assertThat(err.toString()).contains("id is 'Not_Valid'").doesNotContain("Exception");
    }
}
