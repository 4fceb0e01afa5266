package dev.ksync.klaviyo.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A report request Klaviyo would refuse for its timeframe cannot be built: the same boundaries as the sandbox's. */
class ReportRequestLimitsTest {
    static final List<String> STATS = List.of("recipients");
    static final String YEAR_RULE = "The timeframe cannot be longer than 1 year.";

    static ReportRequest series(String start, String end, String interval) {
        return ReportRequest.series(STATS, Timeframe.between(Instant.parse(start), Instant.parse(end)), "M1", interval);
    }

    @ParameterizedTest(name = "{0}: {1} → {2} fits, → {3} does not")
    @CsvSource(delimiter = '|', textBlock = """
            hourly  | 2026-11-01T00:00:00Z | 2026-11-08T00:00:00Z | 2026-11-08T00:00:01Z | If hourly is used, the timeframe cannot be longer than 7 days.
            daily   | 2026-09-01T00:00:00Z | 2026-10-31T00:00:00Z | 2026-10-31T00:00:01Z | If daily is used, the timeframe cannot be longer than 60 days.
            monthly | 2025-11-20T00:00:00Z | 2026-11-19T00:00:00Z | 2026-11-19T00:00:01Z | If monthly is used, the timeframe cannot be longer than 52 weeks.
            weekly  | 2025-11-20T00:00:00Z | 2026-11-20T00:00:00Z | 2026-11-20T00:00:01Z | The timeframe cannot be longer than 1 year.
            """)
    void a_series_is_planned_up_to_its_intervals_limit_and_refused_a_second_more(String interval, String start, String fits,
                                                                                String tooLong, String rule) {
        assertThat(series(start, fits, interval).interval()).isEqualTo(interval);
        assertThatThrownBy(() -> series(start, tooLong, interval))
                .isInstanceOfSatisfying(ReportRefused.class, e -> assertThat(e.rule()).isEqualTo(rule))
                .hasMessageContaining(rule).hasMessageContaining(start);
    }

    @Test
    void a_weekly_series_over_exactly_365_days_is_planned_and_monthly_over_53_weeks_is_refused_with_the_spec_wording() {
        assertThat(series("2025-03-01T00:00:00Z", "2026-03-01T00:00:00Z", "weekly")).isNotNull();
        assertThatThrownBy(() -> series("2025-11-01T00:00:00Z", "2026-11-07T00:00:00Z", "monthly"))
                .isInstanceOf(ReportRefused.class)
                .hasMessageContaining("If monthly is used, the timeframe cannot be longer than 52 weeks.");
    }

    @Test
    void a_year_is_a_calendar_year_and_values_reports_take_one_but_not_a_second_more() {
        assertThat(series("2023-06-01T00:00:00Z", "2024-06-01T00:00:00Z", "weekly")).isNotNull(); // 366 days with Feb 29
        Timeframe year = Timeframe.between(Instant.parse("2025-11-20T00:00:00Z"), Instant.parse("2026-11-20T00:00:00Z"));
        assertThat(ReportRequest.values(STATS, year, "M1").timeframe()).isEqualTo(year);
        Timeframe over = Timeframe.between(Instant.parse("2025-11-20T00:00:00Z"), Instant.parse("2026-11-20T00:00:01Z"));
        assertThatThrownBy(() -> ReportRequest.values(STATS, over, "M1"))
                .isInstanceOfSatisfying(ReportRefused.class, e -> assertThat(e.rule()).isEqualTo(YEAR_RULE));
    }

    @Test
    void a_named_timeframe_goes_with_an_interval_only_when_every_window_it_names_fits() {
        assertThat(ReportRequest.series(STATS, Timeframe.key("last_7_days"), "M1", "hourly")).isNotNull();
        assertThat(ReportRequest.series(STATS, Timeframe.key("last_12_months"), "M1", "weekly")).isNotNull();
        assertThatThrownBy(() -> ReportRequest.series(STATS, Timeframe.key("this_month"), "M1", "hourly"))
                .isInstanceOf(ReportRefused.class).hasMessageContaining("this_month can span 31 days");
        assertThatThrownBy(() -> ReportRequest.series(STATS, Timeframe.key("last_365_days"), "M1", "monthly"))
                .isInstanceOf(ReportRefused.class).hasMessageContaining("52 weeks");
    }

    @Test
    void unknown_intervals_and_keys_are_refused_and_with_methods_keep_the_check() {
        assertThatThrownBy(() -> ReportRequest.series(STATS, Timeframe.key("last_7_days"), "M1", "yearly"))
                .isInstanceOf(ReportRefused.class).hasMessageContaining("'yearly'");
        assertThatThrownBy(() -> ReportRequest.values(STATS, Timeframe.key("last_decade"), "M1"))
                .isInstanceOf(ReportRefused.class).hasMessageContaining("last_30_days");
        ReportRequest ok = series("2026-11-01T00:00:00Z", "2026-11-08T00:00:00Z", "hourly");
        assertThat(ok.withGroupBy(List.of("flow_id", "flow_message_id")).withFilter("equals(flow_id,\"X\")").interval()).isEqualTo("hourly");
    }
}
