package dev.ksync.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import picocli.CommandLine;

/** A command run as {@code ksync} runs it (picocli, {@link CliErrors}) on a test's environment: exit code, stdout, stderr. */
record Run(int exit, String out, String err) {
    /** @param command a command's test constructor: the environment it reads, the stdout it prints to */
    static Run of(BiFunction<Map<String, String>, PrintStream, Callable<Integer>> command,
            Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(command.apply(env, new PrintStream(out, true, StandardCharsets.UTF_8)))
                .setExecutionExceptionHandler(new CliErrors());
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString());
    }
}
