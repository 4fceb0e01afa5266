package dev.ksync.sandbox.query;

import java.util.List;
import java.util.Set;

/** Which operators a filter field accepts, and what kind of value. */
public record FieldRule(String field, Set<String> operators, ValueType type, List<String> enumValues) {
    public enum ValueType { STRING, DATETIME, BOOLEAN, NUMBER, NONE }

    public FieldRule {
        operators = Set.copyOf(operators);
        enumValues = enumValues == null ? List.of() : List.copyOf(enumValues);
    }
}
