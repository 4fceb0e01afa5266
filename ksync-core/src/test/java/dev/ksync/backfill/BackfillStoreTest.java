package dev.ksync.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ksync.accounts.AccountId;
import dev.ksync.accounts.AccountService;
import dev.ksync.config.Secret;
import dev.ksync.db.TestPostgres;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.secrets.SecretBox;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A backfill started for an account removed at the same instant: {@link Backfill#start} found the account, and its
 * removal commits before the run is stored. Storing it then answers the account's 404, never the foreign key's
 * failure (a 500) nor "running" (a 409).
 */
class BackfillStoreTest {
    @RegisterExtension
    static final TestPostgres pg = new TestPostgres();

    private static final AccountId GONE = new AccountId("gone");
    private static final BackfillParams TEST = new BackfillParams(1, true, true);
    private static final LocalDate FIRST = LocalDate.parse("2026-01-01");
    private static final LocalDate LAST = LocalDate.parse("2026-01-07");

    private final Clock clock = Clock.fixed(Instant.parse("2026-01-08T03:04:05Z"), ZoneOffset.UTC);
    private AccountService accounts;
    private BackfillStore store;

    @BeforeEach
    void setUp() {
        pg.database().jdbi().useHandle(h -> h.execute("delete from accounts"));
        accounts = new AccountService(pg.database().jdbi(), SecretBox.fromPassphrase(new Secret("test passphrase 123")),
                clock);
        store = new BackfillStore(pg.database().jdbi());
        accounts.add(GONE, null, new Secret("pk_x_1234"));
    }

    @Test
    void a_new_run_of_an_account_removed_since_it_was_found_is_not_registered() {
        accounts.remove(GONE, true);

        assertThatThrownBy(() -> store.startOver(GONE, TEST, "UTC", FIRST, LAST, clock.instant()))
                .isInstanceOfSatisfying(KsyncException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
                    assertThat(e.getMessage()).isEqualTo(AccountService.notRegistered(GONE).getMessage());
                });
        assertThat(store.load(GONE)).isEmpty();
    }

    @Test
    void a_retry_of_an_account_removed_since_it_was_found_is_not_registered_not_running() {
        assertThat(store.startOver(GONE, TEST, "UTC", FIRST, LAST, clock.instant())).isTrue();
        pg.database().jdbi().useHandle(h -> h.execute("update backfill_status set status = 'failed'"));
        accounts.remove(GONE, true);

        assertThatThrownBy(() -> store.resume(GONE, clock.instant()))
                .isInstanceOfSatisfying(KsyncException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
    }
}
