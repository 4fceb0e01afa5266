package dev.ksync.cli;

import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Request records and services name their fields as the JSON API spells them ({@code accountId}); on the command
 * line the same mistake names the option the user typed ({@code --account-id}). {@link CliErrors} renames every
 * failure of every command here, so a command need not catch its own.
 */
final class OptionNames {
    private OptionNames() {}

    /**
     * {@code e} with its bad field renamed to the command's matching option; as it is when the command has none, or
     * when the error is not about that field's own value (a datasources file's entry names its {@code mode} too).
     * Only the field's name changes: the message says what it said of the value (quoted, missing, not valid UTF-8).
     */
    static KsyncException renamed(CommandSpec spec, KsyncException e) {
        if (e.kind() != ErrorKind.BAD_INPUT || !(e.details().get("field") instanceof String field)) {
            return e;
        }
        String option = "--" + field.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
        String about = field + " is ";
        if (spec.findOption(option) == null || !e.getMessage().startsWith(about)) {
            return e;
        }
        Map<String, Object> details = new LinkedHashMap<>(e.details());
        details.put("field", option);
        return new KsyncException(e.kind(), e.blame(), e.code(), option + " is " + e.getMessage().substring(about.length()),
                details, e.retryAt(), e);
    }
}
