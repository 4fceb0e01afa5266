package dev.ksync.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ksync.config.AppConfig;
import dev.ksync.config.Secret;
import dev.ksync.error.KsyncException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {
    @TempDir
    Path dir;

    @Test
    void sealed_value_opens_with_same_key_and_associated_data_and_does_not_contain_plaintext() {
        SecretBox box = SecretBox.fromPassphrase(new Secret("a passphrase of some length"));
        byte[] sealed = box.seal("pk_live_abcdef123456", "acme");
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("pk_live");
        assertThat(box.open(sealed, "acme")).isEqualTo("pk_live_abcdef123456");
        assertThat(box.seal("pk_live_abcdef123456", "acme")).isNotEqualTo(sealed); // fresh nonce each time
    }

    @Test
    void a_ciphertext_moved_to_another_account_or_opened_with_another_key_fails_without_revealing_it() {
        byte[] sealed = SecretBox.fromPassphrase(new Secret("a passphrase of some length")).seal("pk_x", "acme");
        assertThatThrownBy(() -> SecretBox.fromPassphrase(new Secret("a passphrase of some length")).open(sealed, "beta"))
                .isInstanceOf(KsyncException.class).hasMessageContaining("KSYNC_SECRET_KEY");
        assertThatThrownBy(() -> SecretBox.fromPassphrase(new Secret("another passphrase entirely")).open(sealed, "acme"))
                .isInstanceOf(KsyncException.class).hasMessageNotContaining("pk_x");
    }

    @Test
    void embedded_mode_without_key_creates_a_0600_key_file_once_and_reuses_it() throws Exception {
        AppConfig config = AppConfig.load(Map.of("KSYNC_DATA_DIR", dir.toString()));
        byte[] sealed = SecretBox.forConfig(config).seal("pk_y", "acme");
        Path keyFile = dir.resolve("secret.key");
        assertThat(Files.getPosixFilePermissions(keyFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(SecretBox.forConfig(config).open(sealed, "acme")).isEqualTo("pk_y");
    }

    @Test
    void external_database_without_secret_key_fails_with_a_clear_message() {
        // the configuration reports it with its other problems, before any key box is made
        assertThatThrownBy(() -> AppConfig.load(Map.of("KSYNC_DATA_DIR", dir.toString(),
                "DATABASE_URL", "postgres://u:p@localhost:5432/k")))
                .isInstanceOf(KsyncException.class)
                .hasMessageContaining("KSYNC_SECRET_KEY is required when DATABASE_URL is set");
        assertThat(dir.resolve("secret.key")).doesNotExist();
    }
}
