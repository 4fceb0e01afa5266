package dev.ksync.ingest;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.ksync.db.Database;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.klaviyo.error.Blame;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a run did, per datasource in the file's order.
 *
 * @param schema the account's PostgreSQL schema holding the tables
 */
public record IngestReport(String accountId, String schema, String mode, List<Result> datasources) {
    public IngestReport {
        datasources = List.copyOf(datasources);
    }

    /** The window in the runbook's form; {@code start} is empty for a full load (as the runbook's set_default_time). */
    public record Window(String start, String end) {}

    /**
     * Why a datasource failed: the one classification of its error ({@link Ingestion} makes it where it catches the
     * error), which chooses the run's HTTP answer and exit code.
     */
    public enum Failure {
        /** The user's move: a rejected key or scope, a table of another source; rerunning as is cannot help. */
        USER,
        /** The database did not answer: trying again later may work. */
        DATABASE_UNAVAILABLE,
        /** Anything else (Klaviyo failing, the database refusing the load): a rerun later. */
        OTHER;

        /** Whose move it is: the user's, else somebody else's (rerun later). */
        public Blame blame() {
            return this == USER ? Blame.USER : Blame.EXTERNAL;
        }
    }

    /**
     * @param rows    rows added to the table (a record it already held is not counted again)
     * @param status  {@code success} or {@code error}
     * @param error   what failed, or null
     * @param failure why it failed, null on success; not part of the answer, whose {@code error} says it
     * @param retryAt when its error may clear (a 429's Retry-After, a quota's reset), null when not known; for a
     *                scheduler's retries ({@link dev.ksync.error.KsyncException#retryAt()}), not part of the answer
     */
    public record Result(String name, String table, Window window, long rows, long durationMs, String status,
                         String error, @JsonIgnore Failure failure, @JsonIgnore Instant retryAt) {
        public static Result success(String name, String table, Window window, long rows, long durationMs) {
            return new Result(name, table, window, rows, durationMs, "success", null, null, null);
        }

        /** A datasource that failed; {@code window} is null when it failed before its window was known. */
        public static Result error(String name, String table, Window window, long durationMs, String error,
                                   Failure failure) {
            return error(name, table, window, durationMs, error, failure, null);
        }

        /** A datasource that failed with an error known to clear at {@code retryAt} (null: not known). */
        public static Result error(String name, String table, Window window, long durationMs, String error,
                                   Failure failure, Instant retryAt) {
            return new Result(name, table, window, 0, durationMs, "error", error, failure, retryAt);
        }

        public boolean failed() {
            return !"success".equals(status);
        }
    }

    /** True when any datasource failed: the run as a whole failed (the others are loaded all the same). */
    public boolean failed() {
        return datasources.stream().anyMatch(Result::failed);
    }

    /**
     * Why the run failed, empty when it did not: the failure every failed datasource shares (a rejected key fails
     * every datasource alike, so rerunning later unchanged is not suggested; the database away, likewise), else
     * {@link Failure#OTHER}.
     */
    public Optional<Failure> failure() {
        List<Failure> kinds = datasources.stream().filter(Result::failed).map(Result::failure).distinct().toList();
        if (kinds.isEmpty()) return Optional.empty();
        return Optional.of(kinds.size() == 1 ? kinds.getFirst() : Failure.OTHER);
    }

    /**
     * The failed run as the error both doors give, every datasource's result in its details, empty when it did not
     * fail: {@code database_unavailable} when the database not answering failed it (try again later), else
     * {@code ingest_failed}; whose move it is as {@link #failure()} says (a rejected key: the user's).
     */
    public Optional<KsyncException> error() {
        return failure().map(f -> {
            boolean database = f == Failure.DATABASE_UNAVAILABLE;
            return new KsyncException(database ? ErrorKind.UNAVAILABLE : ErrorKind.UPSTREAM, f.blame(),
                    database ? Database.UNAVAILABLE : "ingest_failed", failureMessage(),
                    Map.of("accountId", accountId, "schema", schema, "mode", mode, "datasources", datasources),
                    Optional.empty(), null);
        });
    }

    /**
     * A failed run's headline (the HTTP error's message, the CLI's last line): which datasources failed and why — the
     * one cause when they share it (a rejected key, Klaviyo down) — and what became of the others.
     */
    public String failureMessage() {
        List<Result> failed = datasources.stream().filter(Result::failed).toList();
        Set<String> causes = failed.stream().map(Result::error).collect(Collectors.toCollection(LinkedHashSet::new));
        String what = causes.size() == 1
                ? failed.stream().map(Result::name).collect(Collectors.joining(", ")) + " failed: " + causes.iterator().next()
                : failed.stream().map(r -> r.name() + " (" + r.error() + ")").collect(Collectors.joining(", ")) + " failed";
        return "Ingesting " + what + (failed.size() == datasources.size()
                ? "; nothing was loaded, and the next run starts each where it was"
                : "; the other datasources loaded, and the next run starts the failed ones where they were");
    }
}
