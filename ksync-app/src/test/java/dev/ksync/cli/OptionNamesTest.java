package dev.ksync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ksync.http.TestRig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A bad value names the option as typed ({@code --years}), not the API's field ({@code years}), whichever command it
 * is and wherever it is found: building the request or in the service the command calls.
 */
class OptionNamesTest {
    @RegisterExtension
    static final TestRig rig = TestRig.cli().env("KLAVIYO_ENABLE", "true");

    @Test
    void backfill_start_with_zero_years_names_the_years_option() {
        Run r = Run.of(BackfillCommand.Start::new, rig.env(), "acme", "--years", "0");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("ksync: --years is '0'; allowed: a whole number of years from 1 to 10");
    }

    @Test
    void ingest_of_an_unknown_datasource_names_the_only_option() {
        Run r = Run.of(IngestCommand::new, rig.env(), "--mode", "inc", "--only", "bogus");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("ksync: --only is 'bogus'; allowed: names in inc_datasources");
    }
}
