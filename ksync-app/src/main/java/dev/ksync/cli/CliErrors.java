package dev.ksync.cli;

import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.error.UpstreamErrors;
import dev.ksync.klaviyo.error.KlaviyoException;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/** The one place failures become CLI output and exit codes: a clear line on stderr, never a stack trace. */
public final class CliErrors implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
        if (e instanceof KlaviyoException ke) {
            e = UpstreamErrors.from(ke);
        }
        if (e instanceof KsyncException k) {
            cmd.getErr().println("ksync: " + k.getMessage());
            return k.kind().exitCode();
        }
        LoggerFactory.getLogger(CliErrors.class).error("Unexpected failure", e);
        cmd.getErr().println("ksync: unexpected error (" + e.getClass().getSimpleName() + "); see the log above");
        return ErrorKind.INTERNAL.exitCode();
    }
}
