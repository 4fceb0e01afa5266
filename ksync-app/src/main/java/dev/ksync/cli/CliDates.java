package dev.ksync.cli;

import dev.ksync.error.KsyncException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Day options ({@code --start 2025-09-01}), a bad one a usage error naming the option. */
final class CliDates {
    private CliDates() {}

    static Optional<LocalDate> day(String option, String value) {
        if (value == null) return Optional.empty();
        try {
            return Optional.of(LocalDate.parse(value));
        } catch (DateTimeParseException e) {
            throw KsyncException.badInput(option, value, "a day as YYYY-MM-DD");
        }
    }
}
