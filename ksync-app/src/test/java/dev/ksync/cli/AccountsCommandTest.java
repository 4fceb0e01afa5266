package dev.ksync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ksync.accounts.BackfillRows;
import dev.ksync.db.Database;
import dev.ksync.http.TestRig;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * {@code ksync accounts}: a key is replaced in place from stdin or --key-env (never argv), keeping the account's
 * backfill history; {@code remove} says what goes with the account and wants {@code --yes} when that is backfill data.
 */
class AccountsCommandTest {
    @RegisterExtension
    static final TestRig rig = TestRig.cli().env("NEW_KLAVIYO_KEY", "pk_live_from_env_key_5678");

    private static Database db() {
        return rig.pg().database();
    }

    @BeforeEach
    void clean() {
        db().jdbi().useHandle(h -> h.execute("delete from accounts"));
    }

    private static Run add(String stdin, String... args) {
        return Run.of((env, out) -> new AccountsCommand.Add(env, out, stdin(stdin), null), rig.env(), args);
    }

    private static Run setKey(String stdin, String... args) {
        return Run.of((env, out) -> new AccountsCommand.SetKey(env, out, stdin(stdin), null), rig.env(), args);
    }

    private static Run remove(String... args) {
        return Run.of(AccountsCommand.Remove::new, rig.env(), args);
    }

    private static ByteArrayInputStream stdin(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void set_key_replaces_the_key_read_from_stdin_and_keeps_the_backfill_history() {
        assertThat(add("pk_live_first_key_1111\n", "acme").exit()).isZero();
        BackfillRows.completed(db().jdbi(), "acme", 1);

        Run r = setKey("pk_live_second_key_2222\n", "acme");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("replaced the key of acme, now key …2222").doesNotContain("second_key");
        String last4 = db().jdbi().withHandle(h -> h.createQuery("select api_key_last4 from accounts where id = 'acme'")
                .mapTo(String.class).one());
        assertThat(last4).isEqualTo("2222");
        assertThat(orders("acme")).isEqualTo(1);
    }

    @Test
    void set_key_reads_key_env_and_refuses_a_missing_key_or_account() {
        add("pk_live_first_key_1111\n", "acme");
        Run fromEnv = setKey("", "acme", "--key-env", "NEW_KLAVIYO_KEY");
        assertThat(fromEnv.exit()).as(fromEnv.err()).isZero();
        assertThat(fromEnv.out()).contains("…5678");

        Run empty = setKey("\n", "acme");
        assertThat(empty.exit()).isEqualTo(2);
        assertThat(empty.err()).contains("ksync accounts set-key ID").contains("--key-env");

        Run nobody = setKey("pk_live_other_key_3333\n", "nobody");
        assertThat(nobody.exit()).isEqualTo(2);
        assertThat(nobody.err()).contains("account 'nobody' is not registered (see ksync accounts list")
                .contains("add it with: ksync accounts add ID --name NAME < keyfile").doesNotContain("other_key");
    }

    @Test
    void adding_an_existing_account_points_to_set_key_instead_of_remove() {
        add("pk_live_first_key_1111\n", "acme");
        Run again = add("pk_live_second_key_2222\n", "acme");
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.err()).contains("already exists").contains("ksync accounts set-key acme")
                .doesNotContain("second_key");
    }

    @Test
    void remove_wants_yes_when_the_account_has_backfill_history_and_says_what_went() {
        add("pk_live_first_key_1111\n", "acme");
        BackfillRows.completed(db().jdbi(), "acme", 1);

        Run refused = remove("acme");
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("backfill history (completed, 7 days, 1 order,")
                .contains("ksync accounts remove acme --yes").contains("set-key");
        assertThat(orders("acme")).isEqualTo(1);

        Run removed = remove("acme", "--yes");
        assertThat(removed.exit()).as(removed.err()).isZero();
        assertThat(removed.out()).contains("removed acme with its backfill history (completed, 7 days, 1 order,")
                .contains("its snapshots, uploads, stored objects, raw ingestion tables and ingestion log stay");
        assertThat(orders("acme")).isZero();
    }

    @Test
    void remove_help_names_what_stays_as_the_removal_answers_it() {
        // (the help is wrapped at 80 columns)
        assertThat(new CommandLine(new AccountsCommand.Remove()).getUsageMessage().replaceAll("\\s+", " "))
                .contains("(its snapshots, uploads, stored objects, raw ingestion tables and ingestion log stay)");
    }

    @Test
    void remove_of_an_account_without_backfill_needs_no_confirmation() {
        add("pk_live_first_key_1111\n", "acme");
        Run removed = remove("acme");
        assertThat(removed.exit()).as(removed.err()).isZero();
        assertThat(removed.out()).startsWith("removed acme and 0 nightly run record(s)");
        Run again = remove("acme");
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.err()).contains("account 'acme' is not registered (see ksync accounts list")
                .contains("nothing was removed");
    }

    @Test
    void enable_and_disable_of_an_account_not_registered_say_so_and_how_to_add_it() {
        for (Run r : java.util.List.of(Run.of(AccountsCommand.Enable::new, rig.env(), "nobody"),
                Run.of(AccountsCommand.Disable::new, rig.env(), "nobody"))) {
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("account 'nobody' is not registered (see ksync accounts list")
                    .contains("add it with: ksync accounts add ID --name NAME < keyfile");
        }
    }

    private static long orders(String account) {
        return db().jdbi().withHandle(h -> h.createQuery("select count(*) from backfill_orders where account_id = :a")
                .bind("a", account).mapTo(Long.class).one());
    }

    @Test
    void add_with_nothing_on_stdin_says_where_the_key_goes_not_a_json_field() {
        Run r = add("", "acme");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("ksync: no Klaviyo key: pipe it on stdin (echo \"$KEY\" | ksync accounts add ID)"
                + " or pass --key-env VAR").doesNotContain("klaviyoApiKey");
    }
}
