package dev.ksync.sync;

/** Dry-run streams the file to the caller and writes nothing; live stores it under the account's folder. */
public enum Mode {
    DRY_RUN,
    LIVE;

    /** The answers' spelling: {@code dry-run}, {@code live}. */
    public String wireName() {
        return this == DRY_RUN ? "dry-run" : "live";
    }
}
