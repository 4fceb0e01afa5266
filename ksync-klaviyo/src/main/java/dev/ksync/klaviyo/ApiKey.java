package dev.ksync.klaviyo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A Klaviyo private API key. It only ever leaves this object as the Authorization header value;
 * {@link #toString()} shows the last 4 characters at most.
 */
public final class ApiKey {
    private final String secret;

    private ApiKey(String secret) {
        this.secret = secret;
    }

    public static ApiKey of(String secret) {
        Objects.requireNonNull(secret, "API key is null");
        String s = secret.strip();
        if (s.isEmpty()) throw new IllegalArgumentException("API key is blank");
        if (s.chars().anyMatch(ch -> ch < 0x21 || ch > 0x7e)) {
            throw new IllegalArgumentException("API key contains characters not allowed in a header");
        }
        return new ApiKey(s);
    }

    /** The value of the {@code Authorization} header. */
    public String authorizationHeader() {
        return "Klaviyo-API-Key " + secret;
    }

    /** The last 4 characters, the only part ksync ever shows. */
    public String last4() {
        return secret.length() <= 8 ? "****" : secret.substring(secret.length() - 4);
    }

    /**
     * A stable name for the key that does not reveal it (SHA-256 of a domain tag and the key, first 128 bits in hex):
     * what stores shared by processes, such as rate budgets, use in its place.
     */
    public String fingerprint() {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest(("ksync-klaviyo-key\0" + secret).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** {@code text} with any occurrence of the key masked, for text that came from elsewhere. */
    public String redact(String text) {
        return text == null ? null : text.replace(secret, "****");
    }

    @Override public String toString() { return "ApiKey[****" + (secret.length() <= 8 ? "" : last4()) + "]"; }

    @Override public boolean equals(Object o) {
        return o instanceof ApiKey k && MessageDigest.isEqual(secret.getBytes(), k.secret.getBytes());
    }

    @Override public int hashCode() { return secret.hashCode(); }
}
