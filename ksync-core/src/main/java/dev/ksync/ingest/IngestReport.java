package dev.ksync.ingest;

import java.util.List;

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
     * @param rows   rows added to the table (a record it already held is not counted again)
     * @param status {@code success} or {@code error}
     * @param error  what failed, or null
     */
    public record Result(String name, String table, Window window, long rows, long durationMs, String status,
                         String error) {
        public boolean failed() {
            return !"success".equals(status);
        }
    }

    /** True when any datasource failed: the run as a whole failed (the others are loaded all the same). */
    public boolean failed() {
        return datasources.stream().anyMatch(Result::failed);
    }
}
