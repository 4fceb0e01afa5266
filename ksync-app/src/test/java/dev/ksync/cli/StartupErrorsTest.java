package dev.ksync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 9 point 2: a bad configuration stops the start with one line that names the variable, never its value. */
class StartupErrorsTest {

    @Test
    void point2_database_url_with_an_illegal_character_gives_one_line_naming_it_without_the_password(@TempDir Path dir)
            throws Exception {
        ChildKsync.Finished f = ChildKsync.finish(dir, Map.of(
                "DATABASE_URL", "postgres://u:pw_SECRET@127.0.0.1:1/d b",
                "KSYNC_SECRET_KEY", "0123456789abcdef0123"), "serve", "--port", "0");
        assertThat(f.exitCode()).isEqualTo(2);
        assertThat(f.output().strip().lines()).singleElement().asString()
                .startsWith("ksync: Invalid configuration: DATABASE_URL is invalid")
                .contains("position")
                .doesNotContain("pw_SECRET", "d b", "Exception");
    }
}
