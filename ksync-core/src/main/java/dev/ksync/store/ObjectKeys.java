package dev.ksync.store;

import dev.ksync.error.KsyncException;
import java.util.regex.Pattern;

/** Validates bucket names and object keys before they reach a path or a URL. */
public final class ObjectKeys {
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,62}");
    private static final int MAX_KEY = 1024;

    private ObjectKeys() {}

    /** What a bucket name may be, in words for error messages. */
    public static final String BUCKET_RULE = "2-63 characters of a-z, 0-9, '.' and '-', starting with a letter or digit";

    public static boolean isBucket(String bucket) {
        return bucket != null && BUCKET.matcher(bucket).matches() && !bucket.contains("..");
    }

    public static String bucket(String bucket) {
        if (!isBucket(bucket)) {
            throw KsyncException.badInput("bucket", bucket, BUCKET_RULE);
        }
        return bucket;
    }

    /** A relative key of '/'-separated segments: no empty, '.' or '..' segment, no backslash or control character. */
    public static String key(String key) {
        String allowed = "a relative path like 'acme/2025-09-17T01-00-00Z/subscribers.csv' (no leading '/', no '..',"
                + " no empty segments, at most " + MAX_KEY + " characters)";
        if (key == null || key.isEmpty() || key.length() > MAX_KEY || key.startsWith("/") || key.endsWith("/")
                || key.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '\\')) {
            throw KsyncException.badInput("key", key, allowed);
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw KsyncException.badInput("key", key, allowed);
            }
        }
        return key;
    }

    /** A prefix for listing: "" or a key-like string that may end in '/'. */
    public static String prefix(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return "";
        }
        key(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
        return prefix;
    }
}
