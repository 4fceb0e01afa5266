package dev.ksync.sync;

import java.util.List;

/**
 * One producer of one CSV file (subscribers.csv, flows.csv, …). It reads, maps and writes rows; the
 * {@link SyncRunner} does everything around that.
 *
 * @param <R> the job's request record, validated in its constructor
 * @param <D> what the job reports of its own run (scanned, dropped, …), beside what the runner measures
 */
public interface SyncJob<R extends SyncRequest, D> {
    /** A short name for logs and reports: {@code audience}. */
    String name();

    /** The object's file name under {@code <accountId>/<uploadId>/}: {@code subscribers.csv}. */
    String fileName();

    /** The CSV header for this request, as data. */
    List<String> header(R request);

    /**
     * Writes the rows. Klaviyo failures may be thrown as they are; the runner translates them. Asking Klaviyo for
     * its first page before writing the first row lets a bad key fail cleanly instead of cutting a file short.
     */
    D run(R request, SyncContext context, RowSink rows);

    /** What the summary log line says of the run besides rows and calls ({@code klaviyo required, 1500 scanned}). */
    default String summary(R request, D details) {
        return "";
    }
}
