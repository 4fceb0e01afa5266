package dev.ksync.http;

import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.orchestrator.Orchestrator;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * The runs of one kind this server does at once (updates, ingest runs). One more that would start work is refused at
 * once with 429 and Retry-After rather than queued: each run holds pooled connections for its whole length, and the
 * pool is sized for the limit (see {@code Ksync.start}), so a queue would only move the crowd onto the pool.
 */
record Slots(Semaphore permits, int size, Kind kind, Clock clock) implements Orchestrator.Admission {
    /** How long a caller refused for a full house is told to wait before trying again. */
    static final Duration BUSY_RETRY = Duration.ofSeconds(30);

    /** What is limited: the refusal's error code, what it counts, and the environment variable that sets it. */
    enum Kind {
        UPDATES("too_many_updates", "update(s)", "KSYNC_MAX_CONCURRENT_UPDATES"),
        INGESTS("too_many_ingests", "ingest run(s)", "KSYNC_MAX_CONCURRENT_INGESTS");

        final String code;
        final String runs;
        final String env;

        Kind(String code, String runs, String env) {
            this.code = code;
            this.runs = runs;
            this.env = env;
        }
    }

    Slots(int size, Kind kind, Clock clock) {
        this(new Semaphore(size), size, kind, clock);
    }

    @Override
    public <T> T admit(Supplier<T> work) {
        if (!permits.tryAcquire()) {
            throw new KsyncException(ErrorKind.RATE_LIMITED, ErrorKind.RATE_LIMITED.defaultBlame(), kind.code,
                    size + " " + kind.runs + " are running on this server, its limit (" + kind.env + "); try again"
                            + " later", Map.of("limit", size), Optional.of(clock.instant().plus(BUSY_RETRY)), null);
        }
        try {
            return work.get();
        } finally {
            permits.release();
        }
    }
}
