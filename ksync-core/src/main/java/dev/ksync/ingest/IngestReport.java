package dev.ksync.ingest;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.ksync.klaviyo.error.Blame;
import java.util.LinkedHashSet;
import java.util.List;
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
     * @param rows                rows added to the table (a record it already held is not counted again)
     * @param status              {@code success} or {@code error}
     * @param error               what failed, or null
     * @param databaseUnavailable it failed because the database did not answer (not part of the answer, which says
     *                            so in {@code error}; it chooses the run's error)
     * @param blame               whose move a failure is (a rejected key or scope, a table of another source: the
     *                            user's; Klaviyo or the database down: later), null on success; not part of the answer
     */
    public record Result(String name, String table, Window window, long rows, long durationMs, String status,
                         String error, @JsonIgnore boolean databaseUnavailable, @JsonIgnore Blame blame) {
        public static Result success(String name, String table, Window window, long rows, long durationMs) {
            return new Result(name, table, window, rows, durationMs, "success", null, false, null);
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
     * Whose move a failed run is: the user's when every failure is (a rejected key fails every datasource alike), so
     * that rerunning later unchanged is not suggested; otherwise a rerun later.
     */
    public Blame blame() {
        List<Result> failed = datasources.stream().filter(Result::failed).toList();
        return !failed.isEmpty() && failed.stream().allMatch(r -> r.blame() == Blame.USER) ? Blame.USER : Blame.EXTERNAL;
    }

    /** True when the run failed only because the database did not answer: trying again later may work. */
    public boolean databaseUnavailable() {
        return failed() && datasources.stream().filter(Result::failed).allMatch(Result::databaseUnavailable);
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
