package dev.ksync.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
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
    void every_subcommand_answers_help_without_running() {
        List<List<String>> paths = new ArrayList<>();
        collect(Main.commandLine(), new ArrayList<>(), paths);
        assertThat(paths).hasSizeGreaterThan(6);
        for (List<String> path : paths) {
            CommandLine cli = Main.commandLine();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            cli.setOut(new PrintWriter(out));
            cli.setErr(new PrintWriter(err));
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            assertThat(cli.execute(args.toArray(String[]::new))).as("ksync %s --help", path).isZero();
            assertThat(out.toString()).as("ksync %s --help", path).contains("Usage:");
            assertThat(err.toString()).as("ksync %s --help", path).isEmpty();
        }
    }

    private static void collect(CommandLine cmd, List<String> prefix, List<List<String>> into) {
        cmd.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommand() instanceof CommandLine.HelpCommand || !sub.getCommandName().equals(name)) {
                return; // the help command and aliases
            }
            List<String> path = new ArrayList<>(prefix);
            path.add(name);
            into.add(path);
            collect(sub, path, into);
        });
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
