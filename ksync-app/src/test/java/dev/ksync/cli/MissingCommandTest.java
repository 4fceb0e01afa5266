package dev.ksync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ksync.app.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** picocli's convention: a command group run without its command is a usage error (exit 2, usage on stderr). */
class MissingCommandTest {
    @Test
    void ksync_or_a_group_without_a_command_exits_2_with_the_usage_on_stderr() {
        for (String[] args : new String[][] {{}, {"accounts"}, {"db"}, {"backfill"}}) {
            CommandLine cli = Main.commandLine();
            StringWriter err = new StringWriter();
            StringWriter out = new StringWriter();
            cli.setErr(new PrintWriter(err, true));
            cli.setOut(new PrintWriter(out, true));

            int exit = cli.execute(args);

            assertThat(exit).as(String.join(" ", args)).isEqualTo(2);
            assertThat(err.toString()).contains("Missing required subcommand")
                    .contains("Usage: ksync" + (args.length == 0 ? "" : " " + args[0]));
            assertThat(out.toString()).isEmpty();
        }
        CommandLine help = Main.commandLine();
        help.setOut(new PrintWriter(new StringWriter(), true));
        assertThat(help.execute("--help")).as("asking for help is no error").isZero();
    }
}
