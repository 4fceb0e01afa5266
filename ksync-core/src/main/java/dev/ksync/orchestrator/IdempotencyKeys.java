package dev.ksync.orchestrator;

import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Stripe-style idempotency keys in PostgreSQL, scoped per account. A key is claimed before any work: the first
 * caller runs, a repeat gets the first answer byte for byte and does nothing, a caller arriving while the first run
 * is still going gets 409, the same key with other parameters 422 {@code idempotency_key_reused}, and a run that
 * fails releases its key so a retry can run.
 *
 * <p>Whoever works on a key holds a session advisory lock on it for the whole run. The lock, not a timestamp, says
 * whether a 'running' key is alive: when its node dies, PostgreSQL drops the lock with the connection and the next
 * caller takes the key over, so a crashed run never blocks a day's key (however many nodes share the database).
 */
public final class IdempotencyKeys {
    /** What a run answered: its HTTP status and exact body bytes. */
    public record Answer(int status, byte[] body) {}

    /** An answer and whether it is a replay of an earlier run's. */
    public record Outcome(Answer answer, boolean replayed) {}

    private final Jdbi jdbi;
    private final Clock clock;

    public IdempotencyKeys(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /**
     * Runs {@code work} once for ({@code scope}, {@code key}); {@code fingerprint} stands for the request's
     * parameters. {@code work} answers only successes: what it throws releases the key and is rethrown.
     */
    public Outcome run(String scope, String key, String fingerprint, Supplier<Answer> work) {
        try (Handle h = jdbi.open()) {
            boolean locked = h.createQuery("select pg_try_advisory_lock(hashtext(:scope), hashtext(:key))")
                    .bind("scope", scope).bind("key", key).mapTo(Boolean.class).one();
            try {
                Optional<Row> row = find(h, scope, key);
                if (row.isPresent() && !row.get().fingerprint().equals(fingerprint)) {
                    throw reused(key);
                }
                if (row.isPresent() && row.get().done()) {
                    return new Outcome(new Answer(row.get().status(), row.get().answer()), true);
                }
                if (!locked) {
                    throw inProgress(key);
                }
                // Ours now: a new key, or a 'running' one whose owner's lock is gone (its node died).
                Instant now = clock.instant();
                h.createUpdate("insert into idempotency_keys (account_id, key, fingerprint, state, created_at, updated_at)"
                                + " values (:scope, :key, :fp, 'running', :now, :now) on conflict (account_id, key) do"
                                + " update set state = 'running', updated_at = :now")
                        .bind("scope", scope).bind("key", key).bind("fp", fingerprint).bind("now", ts(now)).execute();
                Answer answer;
                try {
                    answer = work.get();
                } catch (RuntimeException | Error e) {
                    h.createUpdate("delete from idempotency_keys where account_id = :scope and key = :key")
                            .bind("scope", scope).bind("key", key).execute();
                    throw e;
                }
                h.createUpdate("update idempotency_keys set state = 'done', status = :status, answer = :answer,"
                                + " updated_at = :now where account_id = :scope and key = :key")
                        .bind("status", answer.status()).bind("answer", answer.body()).bind("now", ts(clock.instant()))
                        .bind("scope", scope).bind("key", key).execute();
                return new Outcome(answer, false);
            } finally {
                if (locked) {
                    h.createQuery("select pg_advisory_unlock(hashtext(:scope), hashtext(:key))")
                            .bind("scope", scope).bind("key", key).mapTo(Boolean.class).one();
                }
            }
        }
    }

    /** Deletes finished keys created before {@code before} (a key being worked on stays); returns how many. */
    public int deleteDoneBefore(Instant before, boolean dryRun) {
        String where = " from idempotency_keys where state = 'done' and created_at < :before";
        return jdbi.withHandle(h -> dryRun
                ? h.createQuery("select count(*)" + where).bind("before", ts(before)).mapTo(Integer.class).one()
                : h.createUpdate("delete" + where).bind("before", ts(before)).execute());
    }

    private record Row(String fingerprint, boolean done, Integer status, byte[] answer) {}

    private static Optional<Row> find(Handle h, String scope, String key) {
        return h.createQuery("select fingerprint, state, status, answer from idempotency_keys"
                        + " where account_id = :scope and key = :key")
                .bind("scope", scope).bind("key", key)
                .map((rs, ctx) -> new Row(rs.getString("fingerprint"), "done".equals(rs.getString("state")),
                        (Integer) rs.getObject("status"), rs.getBytes("answer")))
                .findOne();
    }

    private static KsyncException reused(String key) {
        return new KsyncException(ErrorKind.UNPROCESSABLE, "idempotency_key_reused", "The idempotency key '" + key
                + "' was first used with other parameters; use a new key for a different request",
                Map.of("idempotencyKey", key));
    }

    private static KsyncException inProgress(String key) {
        return new KsyncException(ErrorKind.CONFLICT, "idempotency_key_in_use", "A run with the idempotency key '"
                + key + "' is still going; its answer will be replayed to a repeat once it is done",
                Map.of("idempotencyKey", key));
    }

    private static OffsetDateTime ts(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }
}
