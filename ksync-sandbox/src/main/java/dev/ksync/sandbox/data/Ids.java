package dev.ksync.sandbox.data;

import java.util.UUID;

/** Klaviyo-shaped identifiers, derived from hashes so they are stable per seed. */
public final class Ids {
    private Ids() {}

    private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final char[] ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final String ALNUM_STR = new String(ALNUM);

    /** A ULID (26 chars): 48-bit millisecond time, then 80 bits from the hash. Sorts by time. */
    public static String ulid(long epochMillis, long h) {
        char[] c = new char[26];
        long t = epochMillis;
        for (int i = 9; i >= 0; i--) { c[i] = CROCKFORD[(int) (t & 31)]; t >>>= 5; }
        long r1 = Rng.mix(h), r2 = Rng.mix(h ^ 0x5DEECE66DL);
        for (int i = 10; i < 26; i++) {
            long src = i < 22 ? r1 : r2;
            int shift = (i < 22 ? (i - 10) : (i - 22)) * 5;
            c[i] = CROCKFORD[(int) ((src >>> shift) & 31)];
        }
        return new String(c);
    }

    /** Milliseconds encoded in a ULID's first 10 characters, or -1 when it is not one. */
    public static long ulidMillis(String id) {
        if (id == null || id.length() != 26) return -1;
        long t = 0;
        for (int i = 0; i < 10; i++) {
            int v = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".indexOf(id.charAt(i));
            if (v < 0) return -1;
            t = (t << 5) | v;
        }
        return t;
    }

    /** A 6-character id like Klaviyo's metric, list and flow ids ("SkDfHe"). */
    public static String short6(long h) {
        char[] c = new char[6];
        long x = Rng.mix(h);
        c[0] = ALNUM[Rng.below(x, 52)]; // start with a letter
        x = Rng.mix(x);
        for (int i = 1; i < 6; i++) { c[i] = ALNUM[Rng.below(x, 62)]; x = Rng.mix(x + i); }
        return new String(c);
    }

    public static String uuid(long h) {
        long hi = Rng.mix(h), lo = Rng.mix(h + 1);
        hi = (hi & ~0xF000L) | 0x4000L; // version 4 layout
        lo = (lo & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(hi, lo).toString();
    }

    /** Encodes a non-negative long as fixed-width base-62 (11 chars hold 2^64). */
    public static String base62(long v, int width) {
        char[] c = new char[width];
        long x = v;
        int i = width - 1;
        // unsigned division is slow; once the value is non-negative, signed division by a constant gives the same digits
        for (; i >= 0 && x < 0; i--) {
            c[i] = ALNUM[(int) Long.remainderUnsigned(x, 62)];
            x = Long.divideUnsigned(x, 62);
        }
        for (; i >= 0; i--) {
            c[i] = ALNUM[(int) (x % 62)];
            x /= 62;
        }
        return new String(c);
    }

    /** Inverse of {@link #base62}; -1 when malformed. */
    public static long unbase62(String s) {
        long x = 0;
        for (int i = 0; i < s.length(); i++) {
            int v = ALNUM_STR.indexOf(s.charAt(i));
            if (v < 0) return -1;
            x = x * 62 + v;
        }
        return x;
    }
}
