package dev.ksync.sync;

/** How a dry-run answers: a JSON summary with a preview, or the CSV file itself, streamed. */
public enum Format {
    JSON,
    CSV
}
