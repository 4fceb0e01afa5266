package dev.ksync.sync;

import java.util.Objects;

/** A limit that cut a run short, by the request field that set it, and what it cut. */
public record Cap(String field, String effect) {
    public Cap {
        Objects.requireNonNull(field, "field is null");
        Objects.requireNonNull(effect, "effect is null");
    }
}
