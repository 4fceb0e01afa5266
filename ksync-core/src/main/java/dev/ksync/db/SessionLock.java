package dev.ksync.db;

import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * A PostgreSQL session advisory lock on ({@code hashtext(kind)}, {@code hashtext(key)}), held on a connection of its
 * own for as long as a piece of work runs, whichever process runs it. Closing unlocks it and returns the connection to
 * the pool; a process that dies releases it with its session, so the lock, not a timestamp, says whether its holder is
 * alive.
 */
public final class SessionLock implements AutoCloseable {
    private final Handle handle;
    private final String kind;
    private final String key;

    private SessionLock(Handle handle, String kind, String key) {
        this.handle = handle;
        this.kind = kind;
        this.key = key;
    }

    /** The lock when no other session holds it; empty (its connection returned at once) when one does. */
    public static Optional<SessionLock> tryTake(Jdbi jdbi, String kind, String key) {
        Handle h = jdbi.open();
        try {
            if (h.createQuery("select pg_try_advisory_lock(hashtext(:kind), hashtext(:key))")
                    .bind("kind", kind).bind("key", key).mapTo(Boolean.class).one()) {
                return Optional.of(new SessionLock(h, kind, key));
            }
        } catch (RuntimeException e) {
            h.close();
            throw e;
        }
        h.close();
        return Optional.empty();
    }

    /**
     * The lock taken on {@code h} in its transaction, together with what that transaction writes (no reader sees the
     * write without the lock), held on {@code h} from then on: the lock owns the handle and closes it. Waits while
     * another session holds it.
     */
    public static SessionLock takeWith(Handle h, String kind, String key) {
        h.createQuery("select 1 from (select pg_advisory_lock(hashtext(:kind), hashtext(:key))) l")
                .bind("kind", kind).bind("key", key).mapTo(Integer.class).one();
        return new SessionLock(h, kind, key);
    }

    /**
     * SQL that is true where no session holds {@code kind}'s lock on the key {@code keySql} (an SQL text expression
     * of the rows at hand): it takes a free one until its statement's transaction ends, so a holder's liveness is read
     * without a race. {@code kind} is a constant of the caller's ({@code ksync.snapshot.run}).
     */
    public static String freeSql(String kind, String keySql) {
        if (!kind.matches("[a-z.]+")) throw new IllegalArgumentException("a lock kind is lower-case words: " + kind);
        return "pg_try_advisory_xact_lock(hashtext('" + kind + "'), hashtext(" + keySql + "))";
    }

    /** The connection holding the lock, for the holder's own statements (they then need no second connection). */
    public Handle handle() {
        return handle;
    }

    /**
     * Unlocks and returns the connection. A connection whose session is gone took the lock with it: that is no
     * failure of the holder's work, whose own outcome (its answer or its error) stands.
     */
    @Override
    public void close() {
        try (handle) {
            // the connection goes back to the pool: a session lock left on it would outlive this run
            handle.createQuery("select pg_advisory_unlock(hashtext(:kind), hashtext(:key))")
                    .bind("kind", kind).bind("key", key).mapTo(Boolean.class).one();
        } catch (RuntimeException e) {
            if (!Database.unavailable(e)) throw e;
        }
    }
}
