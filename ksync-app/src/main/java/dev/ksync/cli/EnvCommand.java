package dev.ksync.cli;

import dev.ksync.accounts.AccountId;
import dev.ksync.app.Ksync;
import dev.ksync.cli.CliErrors.AccountWork;
import dev.ksync.config.AppConfig;
import java.io.PrintStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * A command reading {@code env} instead of the process environment and printing to {@code stdout}: the process's
 * when picocli makes it, a test's own when the test does.
 */
abstract class EnvCommand implements Callable<Integer> {
    final Map<String, String> env;
    final PrintStream stdout;
    private Optional<AccountWork> working = Optional.empty();

    EnvCommand() {
        this(System.getenv(), System.out);
    }

    EnvCommand(Map<String, String> env, PrintStream stdout) {
        this.env = env;
        this.stdout = stdout;
    }

    /**
     * From here on the command does {@code work} on {@code account} (when one is named): its failure line names both
     * and the error's code ({@link CliErrors}). Called once its options are read and the work may start, so that a bad
     * option or switched-off work keeps its own line.
     */
    void working(String work, Optional<AccountId> account) {
        working = account.map(a -> new AccountWork(work, a));
    }

    /** The account work begun, if any ({@link #working(String, Optional)}). */
    Optional<AccountWork> working() {
        return working;
    }

    /** ksync started on this command's environment. */
    Ksync start() {
        return Ksync.start(AppConfig.load(env));
    }
}
