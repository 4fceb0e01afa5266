package dev.ksync.cli;

import dev.ksync.request.Days;
import java.time.LocalDate;
import java.util.Optional;

/** Day options ({@code --start 2025-09-01}), a bad one a usage error naming the option. */
final class CliDates {
    private CliDates() {}

    static Optional<LocalDate> day(String option, String value) {
        if (value == null) return Optional.empty();
        return Optional.of(Days.parse(option, value));
    }
}
