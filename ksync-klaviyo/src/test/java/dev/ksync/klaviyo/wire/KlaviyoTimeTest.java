package dev.ksync.klaviyo.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
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
            "2024-03-26                       | 2024-03-26T00:00:00Z",
            // the usual forms take a fast path: its edges agree with the general parser
            "2024-02-29T23:59:59+00:00        | 2024-02-29T23:59:59Z",
            "1969-12-31T23:59:59Z             | 1969-12-31T23:59:59Z",
            "2024-12-31T00:00:00+00:00        | 2024-12-31T00:00:00Z",
            // (what the fast path leaves to the general parser, which reads leniently as before)
            "2023-02-29T00:00:00+00:00        | 2023-02-28T00:00:00Z",
            "2024-01-01T24:00:00+00:00        | 2024-01-02T00:00:00Z"})
    void parses_microseconds_offsets_and_a_space_instead_of_T(String text, String expected) {
        assertThat(KlaviyoTime.parse(text)).isEqualTo(Instant.parse(expected));
    }

    @ParameterizedTest
    @CsvSource({"2024-13-01T00:00:00Z", "2024-01-0aT00:00:00Z"})
    void out_of_range_or_malformed_usual_forms_are_refused(String text) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KlaviyoTime.parse(text))
                .isInstanceOf(java.time.DateTimeException.class);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "2026-12-02T03:51:47.650332214Z | 2026-12-02T03:51:47.650332Z",
            "2026-12-02T03:51:47.650300Z    | 2026-12-02T03:51:47.650300Z",
            "2026-12-02T03:51:47Z           | 2026-12-02T03:51:47Z"})
    void filter_datetimes_carry_at_most_microseconds(String instant, String written) {
        assertThat(KlaviyoTime.format(Instant.parse(instant))).isEqualTo(written);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "2025-01-01T05:00:00Z                | America/New_York | 2025-01-01T00:00:00",
            "2025-01-01T05:07:00Z                | America/New_York | 2025-01-01T00:07:00",
            "2025-01-01T00:00:00.5Z              | UTC              | 2025-01-01T00:00:00.500000",
            "2025-01-01T00:00:00.123456789Z      | UTC              | 2025-01-01T00:00:00.123456",
            "2025-01-01T00:00:00.000000999Z      | UTC              | 2025-01-01T00:00:00"})
    void local_filter_datetimes_always_carry_seconds_and_at_most_six_fractional_digits(String instant, String zone, String written) {
        assertThat(KlaviyoTime.formatLocal(Instant.parse(instant), ZoneId.of(zone))).isEqualTo(written);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "2026-12-02T03:51:47.650332214Z | 2026-12-02T03:51:49Z",
            "2026-12-02T03:51:47.000000001Z | 2026-12-02T03:51:49Z",
            "2026-12-02T03:51:47Z           | 2026-12-02T03:51:48Z"})
    void a_bound_after_now_is_a_whole_second_at_least_a_second_past_it(String now, String bound) {
        Instant b = KlaviyoTime.boundAfter(Instant.parse(now));
        assertThat(b).isEqualTo(Instant.parse(bound)).isAfterOrEqualTo(Instant.parse(now).plusSeconds(1));
        assertThat(KlaviyoTime.format(b)).isEqualTo(bound);
    }
}
