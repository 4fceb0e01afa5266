package dev.ksync.store;

import java.util.Objects;

/** What a write produced: where, how many bytes, and their SHA-256 (hex). */
public record StoredObject(String bucket, String key, long bytes, String sha256) {
    public StoredObject {
        Objects.requireNonNull(bucket, "bucket is null");
        Objects.requireNonNull(key, "key is null");
        Objects.requireNonNull(sha256, "sha256 is null");
    }
}
