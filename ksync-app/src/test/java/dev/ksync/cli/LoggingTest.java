package dev.ksync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * KSYNC_LOG_FORMAT and KSYNC_LOG_LEVEL as the shipped logback.xml reads them, in a ksync of its own: the sandbox
 * logs one INFO line when it is ready and checks no configuration, so it shows what logging does before a start
 * has reported a bad value.
 */
class LoggingTest {
    private static final String[] SANDBOX = {"sandbox", "--port", "0", "--profiles", "10", "--history-days", "1"};
    private static final Pattern JSON_READY = Pattern.compile("(?m)^(\\{.*Klaviyo sandbox on .*)$");
    private static final Pattern TEXT_READY = Pattern.compile("(?m)^(\\S+ INFO  \\S+ - Klaviyo sandbox on .*)$");

    @Test
    void lower_case_json_and_info_give_json_lines(@TempDir Path dir) throws Exception {
        try (ChildKsync sandbox = ChildKsync.start(dir, Map.of("KSYNC_LOG_FORMAT", "json", "KSYNC_LOG_LEVEL", "info"),
                ChildKsync.SHIPPED_LOGGING, JSON_READY, SANDBOX)) {
            JsonNode line = new ObjectMapper().readTree(sandbox.url);
            assertThat(line.get("level").asText()).isEqualTo("INFO");
            assertThat(line.get("loggerName").asText()).isEqualTo("dev.ksync.sandbox.SandboxServer");
            assertThat(line.get("formattedMessage").asText()).startsWith("Klaviyo sandbox on http://127.0.0.1:");
        }
    }

    @ParameterizedTest(name = "format ''{0}'', level ''{1}''")
    @CsvSource({"bogus, loud", "'', ''"})
    void a_bad_or_empty_format_and_level_still_log_text_at_info(String format, String level, @TempDir Path dir)
            throws Exception {
        try (ChildKsync sandbox = ChildKsync.start(dir, Map.of("KSYNC_LOG_FORMAT", format, "KSYNC_LOG_LEVEL", level),
                ChildKsync.SHIPPED_LOGGING, TEXT_READY, SANDBOX)) {
            assertThat(sandbox.output()).doesNotContain(" DEBUG ", "\"level\"");
        }
    }

    @Test
    void a_bad_format_and_level_stop_the_start_with_the_other_problems(@TempDir Path dir) throws Exception {
        ChildKsync.Finished f = ChildKsync.finish(dir, Map.of("KSYNC_LOG_FORMAT", "jsonl", "KSYNC_LOG_LEVEL", "verbose",
                "PORT", "eighty"), "serve");
        assertThat(f.exitCode()).as(f.output()).isEqualTo(2);
        assertThat(f.output())
                .contains("KSYNC_LOG_FORMAT is invalid; allowed: TEXT or JSON (any case)")
                .contains("KSYNC_LOG_LEVEL is invalid; allowed: TRACE, DEBUG, INFO, WARN or ERROR (any case)")
                .contains("PORT is not a whole number")
                .doesNotContain("jsonl", "verbose", "eighty");
    }

    @Test
    void a_one_shot_command_prints_its_answer_without_the_databases_info_lines_unless_a_level_is_chosen(
            @TempDir Path dir) throws Exception {
        ChildKsync.Finished quiet = finish(dir.resolve("quiet"), Map.of(), "accounts", "list");
        assertThat(quiet.exitCode()).as(quiet.output()).isZero();
        assertThat(quiet.output().strip()).as("only the answer").startsWith("no accounts;")
                .doesNotContain(" INFO ", "EmbeddedServer", "AutodetectJdbcCustomization");

        ChildKsync.Finished debug = finish(dir.resolve("debug"), Map.of("KSYNC_LOG_LEVEL", "debug"), "accounts", "list");
        assertThat(debug.exitCode()).as(debug.output()).isZero();
        assertThat(debug.output()).contains("Started the embedded PostgreSQL", "AutodetectJdbcCustomization");
    }

    private static ChildKsync.Finished finish(Path dir, Map<String, String> env, String... args) throws Exception {
        java.nio.file.Files.createDirectories(dir);
        return ChildKsync.finish(dir, env, ChildKsync.SHIPPED_LOGGING, args);
    }
}
