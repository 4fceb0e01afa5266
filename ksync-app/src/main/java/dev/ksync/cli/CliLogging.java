package dev.ksync.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ParseResult;

/**
 * What a command logs by default. A one-shot command ({@code accounts list}, {@code flows}) prints its own answer
 * and progress; the embedded database's start and stop and db-scheduler's detection of it, which every such command
 * goes through, would bury them, so they log only warnings there. The commands that serve until stopped keep their
 * start-up lines, and a chosen {@code KSYNC_LOG_LEVEL} (e.g. {@code debug}) shows everything.
 */
public final class CliLogging {
    /** Commands that run until stopped: their start-up lines are what their operator watches. */
    private static final Set<String> SERVERS = Set.of("serve", "sandbox", "demo", "db serve");
    /** Loggers whose INFO lines tell a one-shot command's user nothing. */
    private static final List<String> CHATTER = List.of("dev.ksync.db.EmbeddedServer", "com.github.kagkarlsson.scheduler");

    private CliLogging() {}

    /** Quiets {@link #CHATTER} for the command {@code parsed} names, unless it serves or a level was chosen. */
    public static void forCommand(ParseResult parsed, Map<String, String> env) {
        if (levelChosen(env) || SERVERS.contains(path(parsed))) {
            return;
        }
        for (String name : CHATTER) {
            if (LoggerFactory.getLogger(name) instanceof Logger l) {
                l.setLevel(Level.WARN);
            }
        }
    }

    /** Whether {@code KSYNC_LOG_LEVEL} is set; blank reads as unset, as LogSettings reads it. */
    static boolean levelChosen(Map<String, String> env) {
        String level = env.get("KSYNC_LOG_LEVEL");
        return level != null && !level.isBlank();
    }

    /** {@code db serve} for {@code ksync db serve --port 5433}. */
    static String path(ParseResult parsed) {
        List<String> names = new ArrayList<>();
        for (ParseResult p = parsed; p.hasSubcommand(); ) {
            p = p.subcommand();
            names.add(p.commandSpec().name());
        }
        return String.join(" ", names);
    }
}
