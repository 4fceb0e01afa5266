package dev.ksync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ksync.config.AppConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ksync db serve} tells how the nodes get the KSYNC_SECRET_KEY they must share, as well as DATABASE_URL, and
 * never prints the key itself.
 */
class DbServeKeyTest {
    @Test
    void without_a_key_set_it_points_at_the_data_directorys_key_file_and_says_when_it_made_it(@TempDir Path dir)
            throws Exception {
        AppConfig config = AppConfig.load(Map.of("KSYNC_DATA_DIR", dir.toString()));

        String first = DbCommand.Serve.secretKeyLines(config);
        Path file = dir.resolve("secret.key");
        String key = Files.readString(file).strip();
        String again = DbCommand.Serve.secretKeyLines(config);

        assertThat(first).startsWith("KSYNC_SECRET_KEY=\"$(cat '" + file + "')\"").contains("made now")
                .doesNotContain(key);
        assertThat(again).startsWith("KSYNC_SECRET_KEY=\"$(cat '" + file + "')\"").doesNotContain("made now", key);
    }

    @Test
    void with_a_key_set_it_names_the_variable_not_its_value(@TempDir Path dir) {
        AppConfig config = AppConfig.load(Map.of("KSYNC_DATA_DIR", dir.toString(),
                "KSYNC_SECRET_KEY", "the-shared-SECRET-key-0123"));

        assertThat(DbCommand.Serve.secretKeyLines(config)).startsWith("KSYNC_SECRET_KEY=\"$KSYNC_SECRET_KEY\"")
                .doesNotContain("SECRET-key");
        assertThat(dir.resolve("secret.key")).doesNotExist();
    }
}
