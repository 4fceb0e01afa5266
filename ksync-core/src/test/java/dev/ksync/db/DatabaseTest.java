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
    void migrations_are_applied_and_the_database_answers() {
        assertThat(pg.database().answers()).isTrue();
        assertThat(pg.database().schemaVersion()).isEqualTo("5");
        pg.database().migrate(); // idempotent
        assertThat(pg.database().schemaVersion()).isEqualTo("5");
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
