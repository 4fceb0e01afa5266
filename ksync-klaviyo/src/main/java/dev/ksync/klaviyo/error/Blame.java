package dev.ksync.klaviyo.error;

/**
 * Whose move a failure is, the one vocabulary from the client to the doors: the user's (fix the input, the key or
 * its scopes; retrying as is cannot help), somebody else's (Klaviyo, the database or the store is failing or
 * throttling; retrying later may work), or ours (a bug).
 */
public enum Blame {
    USER,
    EXTERNAL,
    INTERNAL;

    /** Whether the same call, unchanged, may succeed later. */
    public boolean retryable() {
        return this == EXTERNAL;
    }
}
