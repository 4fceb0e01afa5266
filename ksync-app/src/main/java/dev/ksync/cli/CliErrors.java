package dev.ksync.cli;

import dev.ksync.error.KsyncException;
import dev.ksync.error.UpstreamErrors;
import dev.ksync.klaviyo.error.Blame;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/** The one place failures become CLI output and exit codes: a clear line on stderr, never a stack trace. */
public final class CliErrors implements IExecutionExceptionHandler {
    /**
     * The exit code says whose move it is, so a script or cron can tell "fix and rerun" (2) from "rerun later" (3)
     * from "report a bug" (1).
     */
    public static int exitCode(Blame blame) {
        return switch (blame) {
            case USER -> 2;
            case EXTERNAL -> 3;
            case INTERNAL -> 1;
        };
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
        KsyncException k = UpstreamErrors.translate(e).orElse(null);
        if (k != null) {
            cmd.getErr().println("ksync: " + k.getMessage()
                    + k.retryAt().map(at -> " (it may succeed again after " + at + ")").orElse(""));
            return exitCode(k.blame());
        }
        LoggerFactory.getLogger(CliErrors.class).error("Unexpected failure", e);
        cmd.getErr().println("ksync: unexpected error (" + e.getClass().getSimpleName() + "); see the log above");
        return exitCode(Blame.INTERNAL);
    }
}
