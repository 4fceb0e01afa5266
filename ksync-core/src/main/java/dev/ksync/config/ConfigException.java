package dev.ksync.config;

import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import java.util.List;
import java.util.Map;

/** Start-up configuration is invalid; the message lists every problem at once. */
public final class ConfigException extends KsyncException {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(ErrorKind.BAD_INPUT, "invalid_config",
                "Invalid configuration:\n  - " + String.join("\n  - ", problems), Map.of("problems", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
