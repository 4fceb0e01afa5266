package dev.ksync.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ksync.error.KsyncException;
import org.junit.jupiter.api.Test;

class DatasourceFileTest {
    private static final String ENTRY = """
            inc_datasources:
              - name: campaigns
                table_name: klaviyo_campaigns
                config_file: klaviyo_campaigns_load.yml
                incremental_field: updated_at
                incremental_field_connector: updated
                default_start_time: "2025-09-01T00:00:00.000000"
                workflow_name: klaviyo_ingest.dig
                mode: append
            """;

    @Test
    void the_built_in_file_is_the_runbooks_lists() {
        DatasourceFile f = DatasourceFile.builtIn();
        assertThat(f.hist()).extracting(Datasource::name).containsExactly("events", "templates", "campaigns", "lists", "profiles");
        assertThat(f.inc()).extracting(Datasource::name).containsExactly("events", "templates", "campaigns", "lists", "profiles", "metrics");
        assertThat(f.inc().get(2).incrementalField()).isEqualTo("updated_at");
        assertThat(f.inc().get(2).incrementalFieldConnector()).isEqualTo("updated");
        assertThat(f.hist().get(2).incrementalField()).isEqualTo("created_at");
        assertThat(f.inc().get(5).loadType()).isEqualTo(LoadType.FULL);
        assertThat(f.inc().get(0).loadType()).isEqualTo(LoadType.EVENTS);
    }

    @Test
    void a_valid_users_file_replaces_it() {
        assertThat(DatasourceFile.parse(ENTRY).inc()).singleElement().extracting(Datasource::tableName).isEqualTo("klaviyo_campaigns");
    }

    @Test
    void each_problem_is_a_400_naming_the_entry_and_field() {
        assertProblem(ENTRY.replace("    mode: append", "    mode: append\n    colour: red"), "inc_datasources[0] (campaigns): unknown key 'colour'");
        assertProblem(ENTRY.replace("    workflow_name: klaviyo_ingest.dig\n", ""), "inc_datasources[0] (campaigns): workflow_name is missing");
        assertProblem(ENTRY.replace("name: campaigns", "name: orders"), "inc_datasources[0]: unknown name 'orders'");
        assertProblem(ENTRY.replace("    incremental_field: updated_at\n", ""), "needs an incremental_field");
        assertProblem(ENTRY.replace("incremental_field_connector: updated", "incremental_field_connector: updated_at"),
                "cannot be filtered on 'updated_at'");
        assertProblem(ENTRY.replace("2025-09-01T00:00:00.000000", "2025-09-01T00:00:00Z"), "default_start_time");
        assertProblem(ENTRY.replace("klaviyo_campaigns_load.yml", "x.yml"), "unknown config_file 'x.yml'");
        assertProblem("weekly_datasources: []", "unknown key 'weekly_datasources'");
        assertProblem("inc_datasources: [", "not valid YAML");
    }

    @Test
    void runbook_time_is_whole_seconds_with_six_zero_decimals_and_no_z() {
        assertThat(RunbookTime.format(java.time.Instant.parse("2025-10-10T13:45:30.987Z"))).isEqualTo("2025-10-10T13:45:30.000000");
        assertThat(RunbookTime.parse("2023-09-01T00:00:00.000000")).isEqualTo(java.time.Instant.parse("2023-09-01T00:00:00Z"));
    }

    private static void assertProblem(String yaml, String message) {
        assertThatThrownBy(() -> DatasourceFile.parse(yaml)).isInstanceOf(KsyncException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((KsyncException) e).code()).isEqualTo("invalid_datasources"));
    }
}
