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

    @Test
    void an_error_about_a_datasources_file_entry_keeps_its_own_words() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("datasources", ".yml");
        java.nio.file.Files.writeString(file, """
                inc_datasources:
                  - name: lists
                    table_name: klaviyo_lists
                    config_file: klaviyo_lists_load.yml
                    incremental_field: updated
                    incremental_field_connector: updated
                    default_start_time: "2025-09-01T00:00:00.000000"
                    workflow_name: klaviyo_ingest_inc.dig
                    mode: replace
                """);
        Run r = Run.of(IngestCommand::new, rig.env(), "--mode", "inc", "--datasources", file.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).doesNotContain("--mode").doesNotContain("not valid UTF-8").contains("replace");
    }

    @Test
    void a_sync_naming_an_account_that_is_not_registered_says_so_not_that_a_key_is_missing() {
        Run flows = Run.of(FlowsCommand::new, rig.env(), "--account-id", "nosuch");
        Run ingest = Run.of(IngestCommand::new, rig.env(), "--mode", "inc", "--account-id", "nosuch");

        for (Run r : java.util.List.of(flows, ingest)) {
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).startsWith("ksync: ")
                    .contains("account 'nosuch' is not registered (see ksync accounts list")
                    .doesNotContain("klaviyoApiKey");
        }
    }

    @Test
    void a_sync_without_an_account_or_a_key_names_the_option_and_the_variable() {
        Run flows = Run.of(FlowsCommand::new, rig.env());
        Run ingest = Run.of(IngestCommand::new, rig.env(), "--mode", "inc");

        for (Run r : java.util.List.of(flows, ingest)) {
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).startsWith("ksync: no Klaviyo key: pass --account-id of a registered account (ksync"
                    + " accounts list), or set KLAVIYO_API_KEY").doesNotContain("klaviyoApiKey");
        }
    }
}
