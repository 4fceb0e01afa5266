package dev.ksync.sandbox;

import dev.ksync.sandbox.data.SandboxData;
import org.junit.jupiter.api.Test;

class ScratchTest {
    @Test
    void measure() {
        SandboxData d = SandboxData.generate(42, 1_000_000, 730, java.time.Clock.systemUTC());
        long t = System.nanoTime();
        long total = 0; int maxDay = 0; int maxN = 0;
        for (int day = 700; day < 730; day++) {
            int n = d.events().day(day).size;
            total += n;
            if (n > maxN) { maxN = n; maxDay = day; }
        }
        System.out.printf("30 days: %d events in %.1f s, max %d on day %d; heap used %d MiB%n", total, (System.nanoTime() - t) / 1e9, maxN, maxDay,
                (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
        SandboxData small = SandboxData.generate(42, 5000, 730, java.time.Clock.systemUTC());
        t = System.nanoTime();
        total = 0;
        for (int day = 0; day < 730; day++) total += small.events().day(day).size;
        System.out.printf("5000 profiles, 730 days: %d events in %.1f s%n", total, (System.nanoTime() - t) / 1e9);
    }
}
