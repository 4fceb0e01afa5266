package dev.ksync.store;

import java.io.IOException;

/** A create-only write found another object under its key; {@code existing} is that object, left untouched. */
public final class ObjectExistsException extends IOException {
    private final StoredObject existing;

    public ObjectExistsException(StoredObject existing) {
        super("An object with other content already exists at " + existing.bucket() + "/" + existing.key());
        this.existing = existing;
    }

    public StoredObject existing() {
        return existing;
    }
}
