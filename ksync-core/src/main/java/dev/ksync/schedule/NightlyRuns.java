package dev.ksync.schedule;

import dev.ksync.accounts.AccountId;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * The nightly ledger ({@code nightly_runs}): one row per account and UTC day. The fan-out claims the row before it
 * schedules the account's task, so the account is scheduled once a day however often the cron fires; a run starts
 * only on a row that has not succeeded, and finishes only through the token of the attempt that started it.
 */
public final class NightlyRuns {
    private static final int MAX_ERROR = 500;

    /** One row of the ledger. */
    public record Run(AccountId accountId, LocalDate day, NightlyStatus status, int attempts, Optional<String> node,
                      Instant scheduledAt, Optional<Instant> startedAt, Optional<Instant> finishedAt,
                      Optional<String> error) {}

    private final Jdbi jdbi;

    public NightlyRuns(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Claims the day for the account; false when it was claimed before (by any node, at any firing). */
    boolean claim(AccountId account, LocalDate day, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        insert into nightly_runs (account_id, utc_day, status, scheduled_at)
                        values (:account, :day, 'scheduled', :now)
                        on conflict (account_id, utc_day) do nothing""")
                .bind("account", account.value())
                .bind("day", day)
                .bind("now", utc(now))
                .execute()) > 0;
    }

    /** The accounts whose run for the day is claimed but not started: their task instance must exist. */
    List<AccountId> waiting(LocalDate day) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select account_id from nightly_runs where utc_day = :day and status = 'scheduled'
                        order by account_id""")
                .bind("day", day)
                .map((rs, ctx) -> new AccountId(rs.getString(1)))
                .list());
    }

    /** Starts an attempt; empty when the day already succeeded for the account (or its row is gone with it). */
    Optional<UUID> start(AccountId account, LocalDate day, String node, Instant now) {
        UUID token = UUID.randomUUID();
        int started = jdbi.withHandle(h -> h.createUpdate("""
                        update nightly_runs
                        set status = 'running', attempts = attempts + 1, run_token = :token, node = :node,
                            started_at = :now, finished_at = null, error = null
                        where account_id = :account and utc_day = :day and status <> 'succeeded'""")
                .bind("account", account.value())
                .bind("day", day)
                .bind("token", token)
                .bind("node", node)
                .bind("now", utc(now))
                .execute());
        return started == 0 ? Optional.empty() : Optional.of(token);
    }

    /** Records how the attempt ended; does nothing when a later attempt (another node's) has taken the row. */
    void finish(UUID token, NightlyStatus status, Instant now, String error) {
        String shortError = error == null ? null : error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR) : error;
        jdbi.useHandle(h -> h.createUpdate("""
                        update nightly_runs set status = :status, finished_at = :now, error = :error
                        where run_token = :token""")
                .bind("token", token)
                .bind("status", status.wireName())
                .bind("now", utc(now))
                .bind("error", shortError)
                .execute());
    }

    /** The ledger of the most recent day that has one, by account; empty before the first nightly run. */
    public List<Run> latestDay() {
        return jdbi.withHandle(h -> h.createQuery("""
                        select * from nightly_runs where utc_day = (select max(utc_day) from nightly_runs)
                        order by account_id""")
                .map((rs, ctx) -> new Run(new AccountId(rs.getString("account_id")),
                        rs.getObject("utc_day", LocalDate.class),
                        NightlyStatus.of(rs.getString("status")),
                        rs.getInt("attempts"),
                        Optional.ofNullable(rs.getString("node")),
                        rs.getObject("scheduled_at", OffsetDateTime.class).toInstant(),
                        Optional.ofNullable(rs.getObject("started_at", OffsetDateTime.class)).map(OffsetDateTime::toInstant),
                        Optional.ofNullable(rs.getObject("finished_at", OffsetDateTime.class)).map(OffsetDateTime::toInstant),
                        Optional.ofNullable(rs.getString("error"))))
                .list());
    }

    private static OffsetDateTime utc(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }
}
