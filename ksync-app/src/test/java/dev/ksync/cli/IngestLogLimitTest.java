package dev.ksync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.http.TestRig;
import dev.ksync.ingest.IngestionLog;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code ksync ingest log} and {@code GET /api/ingest/log} show the same number of rows when not told how many. */
class IngestLogLimitTest {
    private static final String SECRET = "log-secret";
    private static final ObjectMapper json = new ObjectMapper();

    @RegisterExtension
    static final TestRig rig = TestRig.api().secret(SECRET);

    @BeforeAll
    static void moreRowsThanTheDefault() {
        rig.pg().database().jdbi().useHandle(h -> h.createUpdate("insert into ingestion_log (account_id, schema_name,"
                        + " source_name, workflow_name, table_name, mode, status, started_at) select 'logs',"
                        + " 'klaviyo_logs', 'klaviyo_events', 'klaviyo_ingest.dig', 'klaviyo_events', 'inc', 'success',"
                        + " :at from generate_series(1, :n)")
                .bind("at", OffsetDateTime.parse("2025-10-20T12:00:00Z")).bind("n", IngestionLog.DEFAULT_LIMIT + 5)
                .execute());
    }

    @Test
    void the_cli_and_the_api_show_the_same_default_number_of_rows() throws Exception {
        Run cli = Run.of(IngestCommand.Log::new, rig.env(), "--account-id", "logs");
        assertThat(cli.exit()).as(cli.err()).isZero();
        assertThat(json.readTree(cli.out())).hasSize(IngestionLog.DEFAULT_LIMIT);

        HttpResponse<String> api = get("/api/ingest/log?accountId=logs");
        assertThat(api.statusCode()).as(api.body()).isEqualTo(200);
        assertThat(json.readTree(api.body()).path("entries")).hasSize(IngestionLog.DEFAULT_LIMIT);

        JsonNode limit = null;
        for (JsonNode p : json.readTree(get("/openapi.json").body()).at("/paths/~1api~1ingest~1log/get/parameters")) {
            if (p.path("name").asText().equals("limit")) limit = p;
        }
        assertThat(limit).isNotNull();
        assertThat(limit.at("/schema/default").asInt()).as("documented default").isEqualTo(IngestionLog.DEFAULT_LIMIT);
        assertThat(limit.at("/schema/maximum").asInt()).isEqualTo(IngestionLog.MAX_LIMIT);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(HttpRequest.newBuilder(rig.uri(path)).header("x-admin-job-secret", SECRET).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }
}
