package dev.ksync.store;

import dev.ksync.config.AppConfig;

/** Chooses the object store the configuration asks for. */
public final class ObjectStores {
    private ObjectStores() {}

    public static ObjectStore forConfig(AppConfig config) {
        return config.storage().s3().<ObjectStore>map(S3ObjectStore::create)
                .orElseGet(() -> new FileSystemObjectStore(config.dataDir().resolve("buckets")));
    }
}
