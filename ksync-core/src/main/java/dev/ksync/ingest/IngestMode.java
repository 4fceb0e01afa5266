package dev.ksync.ingest;

import java.util.Locale;

/** Which list of the datasources file runs: the runbook's {@code hist_datasources} or {@code inc_datasources}. */
public enum IngestMode {
    HIST("hist_datasources"),
    INC("inc_datasources");

    private final String listKey;

    IngestMode(String listKey) {
        this.listKey = listKey;
    }

    /** The key of this mode's list in the datasources file. */
    public String listKey() {
        return listKey;
    }

    /** As the CLI, the API and the log spell it: {@code hist}, {@code inc}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
