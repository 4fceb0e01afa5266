package dev.ksync.sandbox.limits;

import dev.ksync.sandbox.RateLimitMode;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Klaviyo's fixed-window limits (1 s burst, 1 min steady, 1 day for reports) per API key and
 * operation. Time comes from the injected clock, so tests move time instead of sleeping; scaled
 * mode divides every window by N and keeps the counts.
 */
public final class RateLimiter {
    /** allowed: go ahead (headers describe the tightest window); else wait retryAfterSeconds. */
    public record Decision(boolean allowed, int retryAfterSeconds, String limitHeader, int remaining, int resetSeconds) {}

    private final RateLimitMode mode;
    private final Clock clock;
    private final Map<String, Windows> windows = new ConcurrentHashMap<>();

    public RateLimiter(RateLimitMode mode, Clock clock) {
        this.mode = mode;
        this.clock = clock;
    }

    private static final class Windows {
        long burstIdx = -1, steadyIdx = -1, dayIdx = -1;
        int burst, steady, day;
    }

    public void reset() { windows.clear(); }

    public Decision acquire(String key, Tier tier) {
        long burstLen = mode.windowMillis(1), steadyLen = mode.windowMillis(60), dayLen = mode.windowMillis(86_400);
        String header = tier.burstPerSecond() + ";w=" + seconds(burstLen) + ", " + tier.steadyPerMinute() + ";w=" + seconds(steadyLen)
                + (tier.hasDaily() ? ", " + tier.dailyLimit() + ";w=" + seconds(dayLen) : "");
        if (mode.kind() == RateLimitMode.Kind.OFF) {
            return new Decision(true, 0, tier.burstPerSecond() + ", " + header, tier.burstPerSecond(), 0);
        }
        long now = clock.millis();
        Windows w = windows.computeIfAbsent(key + "|" + tier.name(), k -> new Windows());
        synchronized (w) {
            long b = now / burstLen, s = now / steadyLen, d = now / dayLen;
            if (w.burstIdx != b) { w.burstIdx = b; w.burst = 0; }
            if (w.steadyIdx != s) { w.steadyIdx = s; w.steady = 0; }
            if (w.dayIdx != d) { w.dayIdx = d; w.day = 0; }
            long waitMs = 0;
            if (w.burst >= tier.burstPerSecond()) waitMs = Math.max(waitMs, (b + 1) * burstLen - now);
            if (w.steady >= tier.steadyPerMinute()) waitMs = Math.max(waitMs, (s + 1) * steadyLen - now);
            if (tier.hasDaily() && w.day >= tier.dailyLimit()) waitMs = Math.max(waitMs, (d + 1) * dayLen - now);
            if (waitMs > 0) {
                return new Decision(false, (int) Math.max(1, (waitMs + 999) / 1000), null, 0, 0);
            }
            w.burst++;
            w.steady++;
            w.day++;
            int remBurst = tier.burstPerSecond() - w.burst, remSteady = tier.steadyPerMinute() - w.steady;
            int remDay = tier.hasDaily() ? tier.dailyLimit() - w.day : Integer.MAX_VALUE;
            // Like Klaviyo: the first number and remaining/reset describe the window closest to running out.
            if (remDay <= remBurst && remDay <= remSteady) {
                return new Decision(true, 0, tier.dailyLimit() + ", " + header, remDay, (int) (((d + 1) * dayLen - now) / 1000));
            }
            if (remSteady < remBurst) {
                return new Decision(true, 0, tier.steadyPerMinute() + ", " + header, remSteady, (int) (((s + 1) * steadyLen - now) / 1000));
            }
            return new Decision(true, 0, tier.burstPerSecond() + ", " + header, remBurst, (int) (((b + 1) * burstLen - now) / 1000));
        }
    }

    private static long seconds(long ms) { return Math.max(1, (ms + 999) / 1000); }
}
