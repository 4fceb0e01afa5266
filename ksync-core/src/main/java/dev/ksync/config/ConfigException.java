package dev.ksync.config;

import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import java.util.List;
import java.util.Map;

/** Start-up configuration is invalid; the message lists every problem at once. */
public final class ConfigException extends KsyncException {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(ErrorKind.BAD_INPUT, "invalid_config", message(problems), Map.of("problems", problems));
        this.problems = List.copyOf(problems);
    }

    /** One problem fits on one line; several are listed one per line. */
    private static String message(List<String> problems) {
        return problems.size() == 1
                ? "Invalid configuration: " + problems.get(0)
                : "Invalid configuration:\n  - " + String.join("\n  - ", problems);
    }

    public List<String> problems() {
        return problems;
    }
}
