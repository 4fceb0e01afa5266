package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ksync.error.ErrorKind;
import dev.ksync.db.TestPostgres;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class AdminGateTest {
    @RegisterExtension
    static final TestPostgres pg = new TestPostgres();

    @TempDir
    Path dataDir;

    @Test
    void with_no_admin_secret_configured_every_admin_call_is_refused() throws Exception {
        try (TestServer server = new TestServer(pg.jdbcUrl(), dataDir, Map.of())) {
            var r = server.get("/api/accounts", "anything");
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).contains("ADMIN_JOB_SECRET is not set");
            var empty = server.get("/api/accounts", "");
            assertThat(empty.statusCode()).isEqualTo(401);
        }
    }

    @Test
    void klaviyo_calls_are_refused_with_501_until_KLAVIYO_ENABLE_is_true() {
        var off = new AdminGate(dev.ksync.config.AppConfig.load(Map.of()));
        org.assertj.core.api.Assertions.assertThatThrownBy(off::requireKlaviyoEnabled)
                .isInstanceOfSatisfying(dev.ksync.error.KsyncException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.DISABLED);
                    assertThat(e.code()).isEqualTo("klaviyo_disabled");
                });
        new AdminGate(dev.ksync.config.AppConfig.load(Map.of("KLAVIYO_ENABLE", "true"))).requireKlaviyoEnabled();
    }

    @Test
    void redacts_secret_query_parameters() {
        assertThat(AccessLog.redactQuery("token=abc&mode=live&klaviyoApiKey=pk_1"))
                .isEqualTo("token=***&mode=live&klaviyoApiKey=***");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // the server decodes names: this is the token
            "to%6Ben=ADMSECRET_zq81x&mode=dry-run | to%6Ben=***&mode=dry-run",
            "%74oken=ADMSECRET_zq81x              | %74oken=***",
            "x-admin-job-secret=ADMSECRET_zq81x   | x-admin-job-secret=***",
            "adminSecret=s&private_key=k&klaviyo_api_key=pk_abc | adminSecret=***&private_key=***&klaviyo_api_key=***",
            "Authorization=Bearer%20x&password=p  | Authorization=***&password=***",
            "note=pk_live0123456789abcdef&days=3  | note=***&days=3",
            "mode=live&accountId=acme&days=3&x    | mode=live&accountId=acme&days=3&x",
            "bad=%zz&days                         | bad=%zz&days",
            "tokenS3CR3T&pk_live0123456789&x      | ***&***&x"})
    void the_access_log_masks_every_parameter_that_may_hold_a_secret(String query, String logged) {
        assertThat(AccessLog.redactQuery(query)).isEqualTo(logged);
    }

    @Test
    void cleanup_over_http_lists_by_default_and_removing_needs_KLAVIYO_ENABLE() throws Exception {
        try (TestServer server = new TestServer(pg.jdbcUrl(), dataDir, Map.of("ADMIN_JOB_SECRET", "s"))) {
            var listed = server.post("/api/cleanup", "s", "{}");
            assertThat(listed.statusCode()).isEqualTo(200);
            assertThat(listed.body()).contains("\"dryRun\":true");
            var removing = server.post("/api/cleanup", "s", "{\"dryRun\":false}");
            assertThat(removing.statusCode()).isEqualTo(501);
            assertThat(removing.body()).contains("klaviyo_disabled");
        }
    }
}
