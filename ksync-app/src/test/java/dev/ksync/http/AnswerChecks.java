package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.accounts.AccountId;
import dev.ksync.accounts.AccountService;
import java.io.IOException;
import java.util.Map;
import java.util.regex.Pattern;

/** What every answer must look like (JSON `{error, message, details}`, no internals), shared by the hardening and fuzz tests. */
final class AnswerChecks {
    /** Java internals: a package-qualified class of the JDK or our libraries, or any exception's name. */
    static final Pattern JAVA_NAMES =
            Pattern.compile("\\b(java|javax|jakarta|com\\.fasterxml|org\\.eclipse|io\\.javalin|dev\\.ksync)\\.|Exception");

    private static final ObjectMapper json = new ObjectMapper();

    private AnswerChecks() {}

    /** Asserts the JSON error shape {error, message, details} and returns the body; {@code code} null accepts any. */
    static JsonNode assertJsonError(int status, String contentType, String body, String code) throws IOException {
        assertThat(contentType).as("content type of a %d: %s", status, body).startsWith("application/json");
        JsonNode b = json.readTree(body);
        assertThat(b != null && b.isObject()).as("a %d's body is a JSON object: %s", status, body).isTrue();
        assertThat(b.properties()).extracting(Map.Entry::getKey).as(body).containsExactly("error", "message", "details");
        assertThat(b.get("error").isTextual()).as(body).isTrue();
        assertThat(b.get("message").isTextual()).as(body).isTrue();
        assertThat(b.get("details").isObject()).as(body).isTrue();
        if (code != null) {
            assertThat(b.get("error").asText()).isEqualTo(code);
        }
        return b;
    }

    /** Asserts the 404 for an account that is not registered, worded by its one place with the route's hint. */
    static void assertNotRegistered(int status, String contentType, String body, String id, String hint)
            throws IOException {
        assertThat(status).as(body).isEqualTo(404);
        JsonNode b = assertJsonError(status, contentType, body, "not_found");
        assertThat(b.get("message").asText()).startsWith("account '" + id + "' is not registered (see")
                .isEqualTo(AccountService.notRegistered(new AccountId(id), hint).getMessage());
        assertThat(b.get("details").get("id").asText()).isEqualTo(id);
    }
}
