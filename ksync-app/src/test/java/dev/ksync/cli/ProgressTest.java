package dev.ksync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ksync.klaviyo.budget.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Instant;
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

    @Test
    void piped_progress_prints_a_plain_line_at_each_tenth_and_every_10_seconds_while_the_count_moves() {
        dev.ksync.klaviyo.budget.ManualClock clock = new dev.ksync.klaviyo.budget.ManualClock(
                java.time.Instant.parse("2026-01-01T00:00:00Z"));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        Progress p = new Progress("days", 365, clock, new java.io.PrintStream(out, true), false);

        p.accept(0);   // the start
        p.accept(1);   // same tenth, 0 s later: quiet
        clock.advance(java.time.Duration.ofSeconds(10));
        p.accept(2);   // 10 s on and moved: a line
        clock.advance(java.time.Duration.ofSeconds(10));
        p.accept(2);   // 10 s on, not moved: quiet
        p.accept(37);  // a tenth
        p.accept(40);  // same tenth, 0 s later: quiet
        p.done();      // the last count

        assertThat(out.toString().lines().toList()).containsExactly(
                new Progress("days", 365).line(0), new Progress("days", 365).line(2),
                new Progress("days", 365).line(37), new Progress("days", 365).line(40));
        assertThat(out.toString()).doesNotContain("\r");
    }

    @Test
    void a_message_while_the_bar_is_drawn_on_a_terminal_gets_a_line_of_its_own_and_the_bar_comes_back() {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Progress p = new Progress("days", 365, clock, new PrintStream(out, true), true);

        p.accept(2);
        p.say("A ksync serve node is running this backfill; following its progress here");
        p.accept(3); // at once: redrawn all the same, the message having taken the bar's line

        String bar = p.line(2);
        assertThat(out.toString()).isEqualTo("\r" + bar + "\r" + " ".repeat(bar.length()) + "\r"
                + "A ksync serve node is running this backfill; following its progress here" + System.lineSeparator()
                + "\r" + p.line(3));
    }
}
