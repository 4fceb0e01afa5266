package dev.ksync.cli;

import dev.ksync.app.Ksync;
import dev.ksync.config.AppConfig;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * A command reading {@code env} instead of the process environment and printing to {@code stdout}: the process's
 * when picocli makes it, a test's own when the test does.
 */
abstract class EnvCommand implements Callable<Integer> {
    final Map<String, String> env;
    final PrintStream stdout;

    EnvCommand() {
        this(System.getenv(), System.out);
    }

    EnvCommand(Map<String, String> env, PrintStream stdout) {
        this.env = env;
        this.stdout = stdout;
    }

    /** ksync started on this command's environment. */
    Ksync start() {
        return Ksync.start(AppConfig.load(env));
    }
}
