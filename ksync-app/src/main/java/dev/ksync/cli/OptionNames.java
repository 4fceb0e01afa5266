package dev.ksync.cli;

import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Request records and services name their fields as the JSON API spells them ({@code accountId}); on the command
 * line the same mistake names the option the user typed ({@code --account-id}). {@link CliErrors} renames every
 * failure of every command here, so a command need not catch its own. Two answers whose remedy is API-only are
 * reworded whole: a missing Klaviyo key (the API's {@code klaviyoApiKey} field has no option) and a stored object in
 * the way ({@code "overwrite": true} is {@code --overwrite}).
 */
final class OptionNames {
    private static final String KEY_FIELD = "klaviyoApiKey";

    private OptionNames() {}

    /**
     * {@code e} with its bad field renamed to the command's matching option; as it is when the command has none, or
     * when the error is not about that field's own value (a datasources file's entry names its {@code mode} too).
     * Only the field's name changes: the message says what it said of the value (quoted, missing, not valid UTF-8).
     */
    static KsyncException renamed(CommandSpec spec, KsyncException e) {
        if (e.code().equals("object_exists")) {
            return objectExists(spec, e);
        }
        if (e.kind() != ErrorKind.BAD_INPUT || !(e.details().get("field") instanceof String field)) {
            return e;
        }
        if (field.equals(KEY_FIELD)) {
            return noKey(spec, e);
        }
        String option = option(field);
        String about = field + " is ";
        if (spec.findOption(option) == null || !e.getMessage().startsWith(about)) {
            return e;
        }
        return reworded(e, option, option + " is " + e.getMessage().substring(about.length()));
    }

    private static String option(String field) {
        return "--" + field.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    /**
     * The CLI takes no key argument: {@code accounts add|set-key} read it from stdin or {@code --key-env}; every other
     * command uses a registered {@code --account-id}'s or the environment's.
     */
    private static KsyncException noKey(CommandSpec spec, KsyncException e) {
        String where = spec.findOption("--key-env") != null
                ? "pipe it on stdin (echo \"$KEY\" | ksync accounts " + spec.name() + " ID) or pass --key-env VAR"
                : (spec.findOption("--account-id") != null ? "pass --account-id of a registered account (ksync"
                        + " accounts list), or " : "") + "set KLAVIYO_API_KEY (or KLAVIYO_API_KEY_PRIVATE)";
        String message = e.details().get("value") == null ? "no Klaviyo key: " + where
                : "the Klaviyo key is not valid (" + e.details().get("allowed") + "): " + where + " with a valid one";
        String field = spec.findOption("--key-env") != null ? "--key-env"
                : spec.findOption("--account-id") != null ? "--account-id" : "KLAVIYO_API_KEY";
        return reworded(e, field, message);
    }

    private static KsyncException objectExists(CommandSpec spec, KsyncException e) {
        if (spec.findOption("--overwrite") == null) {
            return e;
        }
        return new KsyncException(e.kind(), e.blame(), e.code(), "An object with other content is already stored at "
                + e.details().get("key") + " in bucket " + e.details().get("bucket") + "; it was left as it is. Use"
                + " another --upload-id, or pass --overwrite to replace it.", e.details(), e.retryAt(), e);
    }

    private static KsyncException reworded(KsyncException e, String option, String message) {
        Map<String, Object> details = new LinkedHashMap<>(e.details());
        details.put("field", option);
        return new KsyncException(e.kind(), e.blame(), e.code(), message, details, e.retryAt(), e);
    }
}
