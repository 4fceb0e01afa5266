package dev.ksync.sandbox.data;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class IdsTest {
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    @Test
    void base62_gives_the_unsigned_digits_of_any_long() {
        SplittableRandom rnd = new SplittableRandom(3);
        long[] edges = {0, 1, 61, 62, Long.MAX_VALUE, Long.MIN_VALUE, -1, (1L << 63) - 62};
        for (long v : edges) assertEquals(reference(v, 11), Ids.base62(v, 11));
        for (int i = 0; i < 100_000; i++) {
            long v = rnd.nextLong();
            assertEquals(reference(v, 11), Ids.base62(v, 11));
            assertEquals(v, Ids.unbase62(Ids.base62(v, 11)));
            long small = v >>> rnd.nextInt(64);
            assertEquals(reference(small, 8), Ids.base62(small, 8));
        }
    }

    private static String reference(long v, int width) {
        BigInteger x = new BigInteger(Long.toUnsignedString(v)), b = BigInteger.valueOf(62);
        char[] c = new char[width];
        for (int i = width - 1; i >= 0; i--) {
            c[i] = ALNUM.charAt(x.mod(b).intValue());
            x = x.divide(b);
        }
        return new String(c);
    }
}
