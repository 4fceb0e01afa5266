package dev.ksync.request;

import dev.ksync.error.KsyncException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Enum values by their wire names (lower case, '-' for '_'), for every door: JSON fields and CLI options alike. */
public final class Choices {
    private Choices() {}

    /** The constant {@code value} names, or a 400 naming {@code field} and every allowed name. */
    public static <E extends Enum<E>> E parse(String field, Class<E> type, String value) {
        for (E e : type.getEnumConstants()) {
            if (wireName(e).equals(value)) {
                return e;
            }
        }
        throw KsyncException.badInput(field, value, Arrays.stream(type.getEnumConstants()).map(Choices::wireName)
                .collect(Collectors.joining(", ")));
    }

    public static String wireName(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
