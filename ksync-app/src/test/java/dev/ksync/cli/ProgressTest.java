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
}
