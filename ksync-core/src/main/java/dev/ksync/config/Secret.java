package dev.ksync.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/** A secret value (API key, admin secret, encryption key) that never shows itself in toString, logs or errors. */
public record Secret(String value) {
    public Secret {
        Objects.requireNonNull(value, "value is null");
    }

    /** Last 4 characters, the only part a list may show; a secret of 8 or fewer shows none of itself. */
    public String last4() {
        return value.length() <= 8 ? "****" : value.substring(value.length() - 4);
    }

    @Override
    public String toString() {
        return "Secret[****]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.UTF_8),
                s.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
