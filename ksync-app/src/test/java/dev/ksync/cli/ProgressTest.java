package dev.ksync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProgressTest {
    @Test
    void draws_a_bar_with_percent_when_the_total_is_known() {
        assertThat(new Progress("profiles", 1000).line(450))
                .isEqualTo("profiles [#############-----------------]  45%  450/1000");
        assertThat(new Progress("profiles", 1000).line(1000)).contains("[" + "#".repeat(30) + "] 100%");
    }

    @Test
    void shows_a_running_count_when_the_total_is_unknown() {
        assertThat(new Progress("profiles", 0).line(1234)).isEqualTo("profiles: 1234");
    }

    @Test
    void a_report_sync_shows_an_eta_of_30_seconds_per_report_call_left() {
        Progress p = Progress.reportCalls(1);
        p.total(7);
        assertThat(p.line(0)).endsWith("0/7  ETA 3m30s");
        assertThat(p.line(5)).endsWith("5/7  ETA 1m00s");
        assertThat(p.line(7)).endsWith("7/7  ETA 0s");
        // a scaled sandbox paces 60 times faster, and so does the estimate
        Progress scaled = Progress.reportCalls(60);
        scaled.total(7);
        assertThat(scaled.line(0)).endsWith("ETA 4s");
        assertThat(Progress.eta(java.time.Duration.ofMinutes(142))).isEqualTo("2h22m");
    }
}
