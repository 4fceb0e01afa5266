package dev.ksync.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ksync.config.Secret;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.secrets.SecretBox;
import dev.ksync.db.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AccountServiceTest {
    @RegisterExtension
    static final TestPostgres pg = new TestPostgres();

    private final Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
    private AccountService accounts;

    @BeforeEach
    void setUp() {
        pg.database().jdbi().useHandle(h -> h.execute("delete from accounts"));
        accounts = new AccountService(pg.database().jdbi(), SecretBox.fromPassphrase(new Secret("test passphrase 123")),
                clock);
    }

    @Test
    void added_account_is_listed_with_only_the_last_four_key_characters() {
        Account a = accounts.add(new AccountId("acme"), "Acme Inc", new Secret("pk_live_0123456789wxyz"));
        assertThat(a).isEqualTo(new Account(new AccountId("acme"), "Acme Inc", "wxyz", true, clock.instant()));
        assertThat(accounts.list()).containsExactly(a);
        assertThat(accounts.find(new AccountId("acme"))).contains(a);
        assertThat(accounts.apiKey(new AccountId("acme"))).contains(new Secret("pk_live_0123456789wxyz"));
    }

    @Test
    void the_key_is_stored_only_encrypted() {
        accounts.add(new AccountId("acme"), "Acme", new Secret("pk_live_plaintextkey"));
        String row = pg.database().jdbi().withHandle(h -> h.createQuery(
                "select name || encode(api_key_cipher, 'escape') || api_key_last4 from accounts").mapTo(String.class).one());
        assertThat(row).doesNotContain("pk_live_plaintextkey").doesNotContain("plaintext");
        byte[] raw = pg.database().jdbi().withHandle(h -> h.createQuery("select api_key_cipher from accounts")
                .mapTo(byte[].class).one());
        assertThat(new String(raw, StandardCharsets.ISO_8859_1)).doesNotContain("pk_live");
    }

    @Test
    void adding_an_existing_id_is_a_conflict_and_keeps_the_first_key() {
        accounts.add(new AccountId("acme"), "Acme", new Secret("pk_first_1111"));
        assertThatThrownBy(() -> accounts.add(new AccountId("acme"), "Acme 2", new Secret("pk_second_2222")))
                .isInstanceOfSatisfying(KsyncException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT));
        assertThat(accounts.apiKey(new AccountId("acme"))).contains(new Secret("pk_first_1111"));
    }

    @Test
    void remove_deletes_and_reports_missing_accounts() {
        accounts.add(new AccountId("acme"), null, new Secret("pk_x_1234"));
        assertThat(accounts.find(new AccountId("acme")).orElseThrow().name()).isEqualTo("acme");
        AccountService.Removal removal = accounts.remove(new AccountId("acme"), false).orElseThrow();
        assertThat(removal.hasBackfill()).isFalse();
        assertThat(accounts.remove(new AccountId("acme"), true)).isEmpty();
        assertThat(accounts.list()).isEmpty();
        assertThat(accounts.apiKey(new AccountId("acme"))).isEmpty();
    }

    @Test
    void set_key_replaces_only_the_key_and_keeps_the_account_and_its_backfill() {
        AccountId acme = new AccountId("acme");
        accounts.add(acme, "Acme", new Secret("pk_live_old_key_1111"));
        accounts.setEnabled(acme, false);
        BackfillRows.completed(pg.database().jdbi(), "acme", 2);

        Account changed = accounts.setKey(acme, new Secret("pk_live_new_key_2222")).orElseThrow();

        assertThat(changed.apiKeyLast4()).isEqualTo("2222");
        assertThat(changed.name()).isEqualTo("Acme");
        assertThat(changed.enabled()).isFalse();
        assertThat(accounts.apiKey(acme)).contains(new Secret("pk_live_new_key_2222"));
        assertThat(orders()).isEqualTo(2);
        assertThat(accounts.setKey(new AccountId("nobody"), new Secret("pk_live_new_key_3333"))).isEmpty();
    }

    @Test
    void set_key_checks_the_key_as_add_does_and_keeps_the_old_one_when_refused() {
        AccountId acme = new AccountId("acme");
        accounts.add(acme, "Acme", new Secret("pk_live_old_key_1111"));
        for (Secret bad : new Secret[] {null, new Secret(" "), new Secret("pk live with spaces")}) {
            assertThatThrownBy(() -> accounts.setKey(acme, bad))
                    .isInstanceOfSatisfying(KsyncException.class, e -> {
                        assertThat(e.details()).containsEntry("field", "klaviyoApiKey");
                        assertThat(e.getMessage()).doesNotContain("with spaces");
                    });
        }
        assertThat(accounts.apiKey(acme)).contains(new Secret("pk_live_old_key_1111"));
    }

    @Test
    void an_account_with_backfill_history_is_removed_only_when_confirmed_and_the_removal_counts_what_went() {
        AccountId acme = new AccountId("acme");
        accounts.add(acme, "Acme", new Secret("pk_live_old_key_1111"));
        BackfillRows.completed(pg.database().jdbi(), "acme", 3);

        assertThatThrownBy(() -> accounts.remove(acme, false))
                .isInstanceOfSatisfying(KsyncException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT);
                    assertThat(e.code()).isEqualTo("account_has_backfill");
                    assertThat(e.getMessage()).contains("3 orders").contains("--yes").contains("set-key");
                });
        assertThat(accounts.find(acme)).isPresent();

        AccountService.Removal removal = accounts.remove(acme, true).orElseThrow();
        assertThat(removal).isEqualTo(new AccountService.Removal("acme", "completed", 7, 3, 0, 0, 0, 0));
        assertThat(removal.hasBackfill()).isTrue();
        assertThat(orders()).isZero();
    }

    private static long orders() {
        return pg.database().jdbi().withHandle(h -> h.createQuery("select count(*) from backfill_orders")
                .mapTo(Long.class).one());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Acme", "-acme", "acme/x", "../x", "a b"})
    void invalid_ids_are_rejected_naming_the_field(String id) {
        assertThatThrownBy(() -> AccountId.of("id", id))
                .isInstanceOfSatisfying(KsyncException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.BAD_INPUT);
                    assertThat(e.details()).containsEntry("field", "id");
                });
    }

    @Test
    void a_key_with_spaces_or_nothing_is_rejected_without_echoing_it() {
        assertThatThrownBy(() -> accounts.add(new AccountId("acme"), "A", new Secret("pk with space")))
                .isInstanceOf(KsyncException.class).hasMessageNotContaining("pk with space");
        assertThatThrownBy(() -> accounts.add(new AccountId("acme"), "A", new Secret(" ")))
                .isInstanceOf(KsyncException.class);
    }
}
