package dev.ksync.klaviyo.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KlaviyoTimeTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "2026-09-04T13:38:44.942300+00:00 | 2026-09-04T13:38:44.942300Z",
            "2024-03-26T17:24:42+00:00        | 2024-03-26T17:24:42Z",
            "2024-03-26T19:24:42+02:00[Europe/Paris] | 2024-03-26T17:24:42Z",
            "2024-03-26T17:24:42Z             | 2024-03-26T17:24:42Z",
            "2024-03-26 17:24:42+00:00        | 2024-03-26T17:24:42Z",
            "2024-03-26 17:24:42.5+02:00      | 2024-03-26T15:24:42.5Z",
            "2024-03-26T17:24:42              | 2024-03-26T17:24:42Z",
            "2024-03-26T17:24:42.123456       | 2024-03-26T17:24:42.123456Z",
            "2024-03-26T17:24:42-0500         | 2024-03-26T22:24:42Z",
            "2024-03-26T17:24                 | 2024-03-26T17:24:00Z",
            "2024-03-26                       | 2024-03-26T00:00:00Z"})
    void parses_microseconds_offsets_and_a_space_instead_of_T(String text, String expected) {
        assertThat(KlaviyoTime.parse(text)).isEqualTo(Instant.parse(expected));
    }
}
