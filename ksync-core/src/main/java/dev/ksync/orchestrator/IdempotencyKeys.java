package dev.ksync.orchestrator;

import dev.ksync.db.SessionLock;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.klaviyo.error.Blame;
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
 * <p>Whoever works on a key holds a session advisory lock on it for the whole run ({@link SessionLock}). The lock,
 * not a timestamp, says whether a 'running' key is alive: when its node dies, PostgreSQL drops the lock with the
 * connection and the next caller takes the key over, so a crashed run never blocks a day's key (however many nodes
 * share the database).
 *
 * <p>A takeover must not redo work the dead run had already committed, so work whose effect is a database write
 * records its answer in that write's own transaction ({@link Completion#record}): then either both are committed (the
 * key is done and a repeat replays) or neither is (the key is still 'running' and the next run starts afresh).
 */
public final class IdempotencyKeys {
    /** What a run answered: its HTTP status and exact body bytes. */
    public record Answer(int status, byte[] body) {}

    /** An answer and whether it is a replay of an earlier run's. */
    public record Outcome(Answer answer, boolean replayed) {}

    /**
     * Marks the key done with its answer inside the caller's transaction. Work that commits its effect should call
     * it in that very transaction: a node dying after the commit then leaves a done key, never a 'running' one whose
     * effect is already there.
     */
    @FunctionalInterface
    public interface Completion {
        /** For runs without a key: nothing to record. */
        Completion NONE = (h, answer) -> { };

        void record(Handle transaction, Answer answer);
    }

    /** The work run under a key; it may record its answer itself ({@link Completion}), else it is recorded after. */
    @FunctionalInterface
    public interface Work {
        Answer run(Completion completion);
    }

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
        return run(scope, key, fingerprint, completion -> work.get());
    }

    /**
     * Like {@link #run(String, String, String, Supplier)}, the work being given the {@link Completion} that records
     * its answer in its own transaction. What it throws releases the key unless its answer was already committed.
     */
    public Outcome run(String scope, String key, String fingerprint, Work work) {
        return run(scope, key, fingerprint, false, work);
    }

    /**
     * Like {@link #run(String, String, String, Work)}; with {@code anyParameters} the key stands for one piece of work
     * whatever parameters claimed it (the day's nightly update): a caller with other parameters is not refused but
     * treated as a repeat (a done key replayed, a running one 409, a dead owner's taken over).
     */
    public Outcome run(String scope, String key, String fingerprint, boolean anyParameters, Work work) {
        try (SessionLock lock = SessionLock.tryTake(jdbi, scope, key).orElse(null)) {
            Optional<Row> row = lock != null ? find(lock.handle(), scope, key)
                    : jdbi.withHandle(h -> find(h, scope, key));
            if (row.isPresent() && !row.get().fingerprint().equals(fingerprint) && !anyParameters) {
                throw reused(key);
            }
            if (row.isPresent() && row.get().done()) {
                return new Outcome(new Answer(row.get().status(), row.get().answer()), true);
            }
            if (lock == null) {
                throw inProgress(key);
            }
            // Ours now: a new key, or a 'running' one whose owner's lock is gone (its node died).
            Handle h = lock.handle();
            Instant now = clock.instant();
            h.createUpdate("insert into idempotency_keys (account_id, key, fingerprint, state, created_at, updated_at)"
                            + " values (:scope, :key, :fp, 'running', :now, :now) on conflict (account_id, key) do"
                            + " update set state = 'running', fingerprint = :fp, updated_at = :now")
                    .bind("scope", scope).bind("key", key).bind("fp", fingerprint).bind("now", ts(now)).execute();
            boolean[] recorded = {false};
            Completion completion = (tx, a) -> {
                markDone(tx, scope, key, a);
                recorded[0] = true;
            };
            Answer answer;
            try {
                answer = work.run(completion);
            } catch (RuntimeException | Error e) {
                // a key whose answer is committed stays done: its work happened, a repeat must replay it
                h.createUpdate("delete from idempotency_keys where account_id = :scope and key = :key"
                                + " and state = 'running'")
                        .bind("scope", scope).bind("key", key).execute();
                throw e;
            }
            if (!recorded[0]) {
                markDone(h, scope, key, answer);
            }
            return new Outcome(answer, false);
        }
    }

    private void markDone(Handle h, String scope, String key, Answer answer) {
        h.createUpdate("update idempotency_keys set state = 'done', status = :status, answer = :answer,"
                        + " updated_at = :now where account_id = :scope and key = :key")
                .bind("status", answer.status()).bind("answer", answer.body()).bind("now", ts(clock.instant()))
                .bind("scope", scope).bind("key", key).execute();
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
        // waiting resolves it: a "rerun later" (exit 3)
        return new KsyncException(ErrorKind.CONFLICT, Blame.EXTERNAL, "idempotency_key_in_use",
                "A run with the idempotency key '" + key + "' is still going; its answer will be replayed to a repeat"
                        + " once it is done", Map.of("idempotencyKey", key), Optional.empty(), null);
    }

    private static OffsetDateTime ts(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }
}
