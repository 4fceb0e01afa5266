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

    /** The connection holding the lock, for the holder's own statements (they then need no second connection). */
    public Handle handle() {
        return handle;
    }

    @Override
    public void close() {
        try (handle) {
            // the connection goes back to the pool: a session lock left on it would outlive this run
            handle.createQuery("select pg_advisory_unlock(hashtext(:kind), hashtext(:key))")
                    .bind("kind", kind).bind("key", key).mapTo(Boolean.class).one();
        }
    }
}
