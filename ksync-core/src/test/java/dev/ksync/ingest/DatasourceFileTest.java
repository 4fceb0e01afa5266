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
    void a_key_given_twice_is_refused_naming_the_key_where_and_the_line() {
        assertProblem(ENTRY.replace("    mode: append", "    mode: append\n    default_start_time: \"2024-01-01T00:00:00.000000\""),
                "the datasources file has default_start_time twice in inc_datasources[0] (line 10)");
        // a second list of the same name would silently replace the first
        assertProblem(ENTRY + ENTRY.replace("klaviyo_campaigns\n", "klaviyo_campaigns_2\n"),
                "the datasources file has inc_datasources twice at the top level (line 10)");
        assertProblem(ENTRY + ENTRY.replace("inc_datasources:\n", ""), "table_name klaviyo_campaigns appears twice in inc_datasources");
    }

    @Test
    void names_postgresql_would_cut_and_config_files_of_another_name_are_refused() {
        String longName = "klaviyo_" + "x".repeat(56);
        assertProblem(ENTRY.replace("table_name: klaviyo_campaigns", "table_name: " + longName),
                "inc_datasources[0] (campaigns): table_name '" + longName + "' has 64 characters; PostgreSQL keeps 63 of a name");
        assertThat(DatasourceFile.parse(ENTRY.replace("table_name: klaviyo_campaigns", "table_name: " + longName.substring(1)))
                .inc()).singleElement().extracting(Datasource::tableName).isEqualTo(longName.substring(1));
        assertProblem(ENTRY.replace("name: campaigns", "name: profiles").replace("updated_at", "updated"),
                "inc_datasources[0] (profiles): config_file klaviyo_campaigns_load.yml does not load profiles; the runbook"
                        + " loads profiles with klaviyo_profiles_load.yml");
        assertProblem(ENTRY.replace("klaviyo_campaigns_load.yml", "klaviyo_events_load.yml"),
                "config_file klaviyo_events_load.yml does not load campaigns");
    }

    @Test
    void incremental_settings_a_load_would_not_use_are_refused() {
        String metrics = ENTRY.replace("name: campaigns", "name: metrics")
                .replace("klaviyo_campaigns_load.yml", "klaviyo_metric_data_load.yml");
        assertProblem(metrics, "inc_datasources[0] (metrics): config_file klaviyo_metric_data_load.yml loads metrics in full"
                + " each run, with no incremental field; leave incremental_field and incremental_field_connector empty");
        assertProblem(metrics.replace("    incremental_field: updated_at\n", ""), "loads metrics in full each run");
        assertThat(DatasourceFile.parse(metrics.replace("    incremental_field: updated_at\n", "")
                .replace("    incremental_field_connector: updated\n", "")).inc()).singleElement()
                .satisfies(d -> assertThat(d.incrementalField()).isNull());
        String events = ENTRY.replace("name: campaigns", "name: events")
                .replace("klaviyo_campaigns_load.yml", "klaviyo_events_load.yml").replace("updated_at", "datetime");
        assertProblem(events, "inc_datasources[0] (events): config_file klaviyo_events_load.yml windows Klaviyo's events on"
                + " datetime, so incremental_field_connector 'updated' would not be used");
        assertThat(DatasourceFile.parse(events.replace("connector: updated", "connector: datetime")).inc()).hasSize(1);
    }

    @Test
    void an_incremental_field_taking_another_attributes_column_is_refused_naming_the_entry_and_the_column() {
        String templates = ENTRY.replace("name: campaigns", "name: templates")
                .replace("klaviyo_campaigns_load.yml", "klaviyo_email_templates_load.yml")
                .replace("incremental_field: updated_at", "incremental_field: name");
        assertProblem(templates, "inc_datasources[0] (templates): incremental_field name is also the column of the"
                + " templates attribute name, which the load would fill with updated's values instead; allowed: updated");
        // campaigns' attribute for the connector updated is updated_at: created_at is another attribute's column
        assertProblem(ENTRY.replace("incremental_field: updated_at", "incremental_field: created_at"),
                "inc_datasources[0] (campaigns): incremental_field created_at is also the column of the campaigns attribute");
        assertProblem(templates.replace("incremental_field: name", "incremental_field: created"),
                "incremental_field created is also the column of the templates attribute created");
        // the connector's own attribute, and a name no attribute takes, are fine
        assertThat(DatasourceFile.parse(templates.replace("incremental_field: name", "incremental_field: updated")).inc())
                .hasSize(1);
        assertThat(DatasourceFile.parse(templates.replace("incremental_field: name", "incremental_field: loaded_on")).inc())
                .hasSize(1);
        assertThat(DatasourceFile.builtIn().inc()).hasSize(6);
    }

    @Test
    void a_workflow_name_past_200_characters_or_with_a_line_break_is_refused_naming_the_entry() {
        assertProblem(ENTRY.replace("workflow_name: klaviyo_ingest.dig", "workflow_name: " + "w".repeat(100_000)),
                "inc_datasources[0] (campaigns): workflow_name has 100000 characters; at most 200");
        assertProblem(ENTRY.replace("workflow_name: klaviyo_ingest.dig", "workflow_name: \"a\\nb\""),
                "inc_datasources[0] (campaigns): workflow_name 'a?b' has a control character");
        assertThat(DatasourceFile.parse(ENTRY.replace("workflow_name: klaviyo_ingest.dig", "workflow_name: " + "w".repeat(200)))
                .inc()).singleElement().extracting(Datasource::workflowName).asString().hasSize(200);
    }

    @Test
    void a_default_start_time_outside_the_years_2000_to_2100_is_refused_naming_the_entry() {
        String start = ENTRY.substring(ENTRY.indexOf("default_start_time"));
        start = start.substring(0, start.indexOf('\n'));
        assertProblem(ENTRY.replace(start, "default_start_time: \"0001-01-01T00:00:00.000000\""),
                "inc_datasources[0] (campaigns): default_start_time '0001-01-01T00:00:00.000000' is outside the years"
                        + " 2000 to 2100");
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
