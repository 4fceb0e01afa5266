package dev.ksync.accounts;

import dev.ksync.error.KsyncException;
import java.util.regex.Pattern;

/** An account id; it becomes a storage path segment, hence the strict pattern. */
public record AccountId(String value) {
    public static final String ALLOWED = "1-64 characters of a-z, 0-9, '_' and '-', starting with a letter or digit";
    private static final Pattern PATTERN = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    public AccountId {
        check("accountId", value);
    }

    /** Parses a value given for the named field, so the error names what the user typed. */
    public static AccountId of(String field, String value) {
        check(field, value);
        return new AccountId(value);
    }

    private static void check(String field, String value) {
        if (value == null || !PATTERN.matcher(value).matches()) {
            throw KsyncException.badInput(field, value, ALLOWED);
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
