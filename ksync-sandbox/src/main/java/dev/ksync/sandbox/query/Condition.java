package dev.ksync.sandbox.query;

import java.util.Collections;
import java.util.List;

/**
 * One filter term, e.g. {@code greater-than(updated,2024-01-01T00:00:00Z)}. The value is a String,
 * an {@link java.time.Instant}, a {@link java.math.BigDecimal}, a Boolean, null, or a List of those.
 */
public record Condition(String operator, String field, Object value) {
    public List<?> values() {
        return value instanceof List<?> l ? l : Collections.singletonList(value);
    }
}
