package dev.ksync.cli;

import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Request records and services name their fields as the JSON API spells them ({@code accountId}); on the command
 * line the same mistake names the option the user typed ({@code --account-id}). {@link CliErrors} renames every
 * failure of every command here, so a command need not catch its own.
 */
final class OptionNames {
    private OptionNames() {}

    /** {@code e} with its bad field renamed to the command's matching option; as it is when the command has none. */
    static KsyncException renamed(CommandSpec spec, KsyncException e) {
        if (e.kind() != ErrorKind.BAD_INPUT || !(e.details().get("field") instanceof String field)) {
            return e;
        }
        String option = "--" + field.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
        if (spec.findOption(option) == null) {
            return e;
        }
        // no "value" at all: one that was not valid UTF-8, which stays unquoted under the option's name too
        Object value = e.details().containsKey("value") ? e.details().get("value") : KsyncException.REPLACEMENT;
        return KsyncException.badInput(option, value, String.valueOf(e.details().get("allowed")));
    }
}
