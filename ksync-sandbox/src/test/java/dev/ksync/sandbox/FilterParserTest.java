package dev.ksync.sandbox;

import dev.ksync.sandbox.query.ApiException;
import dev.ksync.sandbox.query.Condition;
import dev.ksync.sandbox.query.FilterParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FilterParserTest {

    @Test
    void parses_terms_joined_by_commas_and_and() {
        List<Condition> c = FilterParser.parse("equals(messages.channel,'email'),and(any(status,[\"Sent\", 'Draft']),greater-than(updated_at,2024-01-01T00:00:00Z))");
        assertThat(c).containsExactly(
                new Condition("equals", "messages.channel", "email"),
                new Condition("any", "status", List.of("Sent", "Draft")),
                new Condition("greater-than", "updated_at", Instant.parse("2024-01-01T00:00:00Z")));
    }

    @Test
    void reads_booleans_numbers_null_escapes_and_has() {
        assertThat(FilterParser.parse("equals(archived,false)")).containsExactly(new Condition("equals", "archived", false));
        assertThat(FilterParser.parse("greater-or-equal(timestamp,1700000000)")).containsExactly(new Condition("greater-or-equal", "timestamp", new BigDecimal("1700000000")));
        assertThat(FilterParser.parse("equals(name,\"say \\\"hi\\\", ok\")")).containsExactly(new Condition("equals", "name", "say \"hi\", ok"));
        assertThat(FilterParser.parse("has(profile)")).containsExactly(new Condition("has", "profile", null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2025-09-01T00:00:00Z", "2025-09-01T00:00:00+00:00", "2025-09-01T00:00:00.000000", "2025-09-01 00:00:00",
            "2025-09-01T00:00:00 00:00", "2025-09-01T02:00:00+02:00", "2025-09-01"})
    void accepts_the_datetime_forms_clients_send(String text) {
        assertThat(FilterParser.parseDatetime(text)).isEqualTo(Instant.parse("2025-09-01T00:00:00Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"equals(email", "equals(email,\"x\"", "eq(email,'x')", "equals(,'x')", "equals(email,bare)", "equals(email,'x') junk"})
    void malformed_filters_are_400s_on_the_filter_parameter(String text) {
        assertThatThrownBy(() -> FilterParser.parse(text)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.parameter()).isEqualTo("filter");
            assertThat(e.detail()).startsWith("Invalid filter provided");
        });
    }
}
