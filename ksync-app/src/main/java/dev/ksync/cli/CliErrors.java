package dev.ksync.cli;

import dev.ksync.accounts.AccountId;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.error.UpstreamErrors;
import dev.ksync.klaviyo.error.Blame;
import java.util.Optional;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * The one place failures become CLI output and exit codes: a clear line on stderr, never a stack trace. A bad value
 * is named as the failing command's option ({@link OptionNames}), wherever it was found. A command at work on one
 * account names it and the error's code ({@link AccountWork}).
 */
public final class CliErrors implements IExecutionExceptionHandler {
    /**
     * A command's work on one account, which its failure line names with the error's code, as the nightly's log line
     * and the HTTP answer do: a script running many accounts tells from that one line which failed and why.
     *
     * @param work what the line calls the work, e.g. {@code update}
     */
    record AccountWork(String work, AccountId account) {
        /** {@code update of account acme failed (klaviyo_unauthorized): }, to go before the error's message. */
        String failed(KsyncException k) {
            return work + " of account " + account.value() + " failed (" + k.code() + "): ";
        }
    }

    /** The work is switched off: {@code KLAVIYO_ENABLE} is not {@code true} ({@link KlaviyoEnable}). */
    static final int DISABLED = 4;

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

    /** By blame, except that switched-off work has its own code (4): nothing was wrong with the input. */
    static int exitCode(KsyncException k) {
        return k.kind() == ErrorKind.DISABLED ? DISABLED : exitCode(k.blame());
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
        KsyncException k = UpstreamErrors.translate(e).map(t -> OptionNames.renamed(cmd.getCommandSpec(), t))
                .orElse(null);
        if (k != null) {
            Optional<AccountWork> work = cmd.getCommand() instanceof EnvCommand c ? c.working() : Optional.empty();
            cmd.getErr().println("ksync: " + work.map(w -> w.failed(k)).orElse("") + k.getMessage()
                    + k.retryAt().map(at -> " (it may succeed again after " + at + ")").orElse(""));
            return exitCode(k);
        }
        LoggerFactory.getLogger(CliErrors.class).error("Unexpected failure", e);
        cmd.getErr().println("ksync: unexpected error (" + e.getClass().getSimpleName() + "); see the log above");
        return exitCode(Blame.INTERNAL);
    }
}
