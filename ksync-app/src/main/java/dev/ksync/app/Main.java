package dev.ksync.app;

import dev.ksync.cli.AccountsCommand;
import dev.ksync.cli.AudienceCommand;
import dev.ksync.cli.BackfillCommand;
import dev.ksync.cli.CampaignsCommand;
import dev.ksync.cli.CleanupCommand;
import dev.ksync.cli.UpdateCommand;
import dev.ksync.cli.CliErrors;
import dev.ksync.cli.CliLogging;
import dev.ksync.cli.DbCommand;
import dev.ksync.cli.DemoCommand;
import dev.ksync.cli.FlowsCommand;
import dev.ksync.cli.IngestCommand;
import dev.ksync.cli.SandboxCommand;
import dev.ksync.cli.ServeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ksync} command line: each subcommand is a thin door onto the services {@link Ksync} wires. */
@Command(name = "ksync", mixinStandardHelpOptions = true, version = "ksync 0.1.0",
        description = "Keeps a brand's Klaviyo data in its own hands: sync, store, report.",
        subcommands = {ServeCommand.class, DemoCommand.class, SandboxCommand.class, AudienceCommand.class, FlowsCommand.class,
                CampaignsCommand.class, UpdateCommand.class, CleanupCommand.class, IngestCommand.class, AccountsCommand.class, DbCommand.class,
                BackfillCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main()).setExecutionExceptionHandler(new CliErrors())
                .setExecutionStrategy(parsed -> {
                    CliLogging.forCommand(parsed, System.getenv());
                    return new CommandLine.RunLast().execute(parsed);
                });
        // Every subcommand, however deep, answers --help and --version: set once here, not per command class.
        withHelp(cli);
        return cli;
    }

    private static void withHelp(CommandLine cmd) {
        if (!cmd.getCommandSpec().mixinStandardHelpOptions() && !(cmd.getCommand() instanceof CommandLine.HelpCommand)) {
            cmd.getCommandSpec().mixinStandardHelpOptions(true);
        }
        cmd.getSubcommands().values().forEach(Main::withHelp);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
