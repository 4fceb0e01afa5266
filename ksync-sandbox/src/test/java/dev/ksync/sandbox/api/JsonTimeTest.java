package dev.ksync.sandbox.api;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class JsonTimeTest {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx").withZone(ZoneOffset.UTC);

    @Test
    void time_is_klaviyos_utc_form_for_any_instant() {
        SplittableRandom rnd = new SplittableRandom(5);
        long[] edges = {0, 59, 86_399, 86_400, 951_782_400L /* 2000-02-29 */, 1_709_164_799L, 253_402_300_799L, 253_402_300_800L, -1, -86_401};
        for (long s : edges) assertEquals(FORMAT.format(Instant.ofEpochSecond(s, 999_999_999)), Json.time(Instant.ofEpochSecond(s, 999_999_999)));
        for (int i = 0; i < 200_000; i++) {
            Instant t = Instant.ofEpochSecond(rnd.nextLong(-5_000_000_000L, 260_000_000_000L), rnd.nextInt(1_000_000_000));
            assertEquals(FORMAT.format(t), Json.time(t), t::toString);
        }
        assertNull(Json.time((Instant) null));
    }
}
