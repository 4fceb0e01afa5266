package dev.ksync.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ksync.config.JdbcUrl;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DatabaseTest {
    @RegisterExtension
    static final TestPostgres pg = new TestPostgres();

    @Test
    void migrations_are_applied_and_the_database_answers() throws java.io.IOException {
        assertThat(pg.database().answers()).isTrue();
        String newest = newestMigration();
        assertThat(pg.database().schemaVersion()).isEqualTo(newest);
        pg.database().migrate(); // idempotent
        assertThat(pg.database().schemaVersion()).isEqualTo(newest);
    }

    /** The highest V<n>__ migration in the sources: every one of them must have been applied. */
    private static String newestMigration() throws java.io.IOException {
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(
                java.nio.file.Path.of("src/main/resources/db/migration"))) {
            return String.valueOf(files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max().orElseThrow());
        }
    }

    @Test
    void postgres_urls_are_turned_into_jdbc_urls_with_separate_credentials() {
        JdbcUrl u = JdbcUrl.parse("postgres://ks%40user:p%3Ass@db.example.com:6543/ksync?sslmode=require");
        assertThat(u).isEqualTo(new JdbcUrl("jdbc:postgresql://db.example.com:6543/ksync?sslmode=require",
                Optional.of("ks@user"), Optional.of("p:ss")));
        assertThat(JdbcUrl.parse("jdbc:postgresql://h/db?user=a&password=b").redacted())
                .isEqualTo("jdbc:postgresql://h/db");
    }
}
