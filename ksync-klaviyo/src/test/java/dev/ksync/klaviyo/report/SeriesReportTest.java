package dev.ksync.klaviyo.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SeriesReportTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // Klaviyo's form: the account's local midnight labelled +00:00 (a New York day read as an instant
            // would fall on the day before)
            "2026-08-28T00:00:00+00:00 | 2026-08-28",
            // a true-offset form names the same day
            "2026-08-28T00:00:00-04:00 | 2026-08-28",
            "2026-11-01T00:00:00+11:00 | 2026-11-01",
            "2026-08-28T00:00:00Z      | 2026-08-28",
            "2026-08-28 00:00:00+00:00 | 2026-08-28"})
    void a_bucket_is_the_date_written_in_its_date_times_entry(String written, String day) {
        assertThat(SeriesReport.day(written)).isEqualTo(LocalDate.parse(day));
    }

    @Test
    void days_stay_aligned_with_each_statistic() throws Exception {
        String doc = """
                {"data":{"type":"flow-series-report","attributes":{
                  "date_times":["2026-08-28T00:00:00+00:00","2026-08-29T00:00:00+00:00"],
                  "results":[{"groupings":{"flow_id":"F1","flow_message_id":"M1","send_channel":"email"},
                              "statistics":{"recipients":[3,null]}}]}}}""";
        SeriesReport r = SeriesReport.from(List.of(new ObjectMapper().readTree(doc)));
        assertThat(r.days()).containsExactly(LocalDate.parse("2026-08-28"), LocalDate.parse("2026-08-29"));
        assertThat(r.results().getFirst().statistics().get("recipients")).containsExactly(3.0, null);
    }

    @Test
    void an_entry_that_is_not_a_datetime_is_refused() {
        assertThatThrownBy(() -> SeriesReport.day("yesterday")).isInstanceOf(java.time.DateTimeException.class);
    }
}
