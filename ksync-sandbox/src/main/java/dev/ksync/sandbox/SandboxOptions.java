package dev.ksync.sandbox;

import java.time.DateTimeException;
import java.time.ZoneId;

/**
 * Everything {@code ksync sandbox} can be told. Port 0 picks a free port.
 *
 * @param apiKey the private key clients must send; several comma-separated keys act as several
 *               accounts over the same data, each with its own rate-limit budget
 * @param faults fraction (0..1) of API answers that fail like a stressed Klaviyo
 * @param currency the account's {@code preferred_currency} (ISO 4217), also the currency its orders are placed in
 * @param trailDays days after its send day over which a campaign send's opens, clicks, orders, unsubscribes and spam
 *                  complaints arrive (0, the default: all on the send day); with a clock ahead of a client's, a
 *                  client then sees a recent campaign's statistics grow as its own days pass, as Klaviyo's do
 * @param timezone the account's timezone (an IANA id such as America/Los_Angeles), or null for the one the seed picks
 */
public record SandboxOptions(int port, long seed, int profiles, int historyDays, String apiKey,
                             RateLimitMode rateLimits, int latencyMs, double faults, String currency, int trailDays,
                             String timezone) {

    public static final int DEFAULT_PORT = 0;
    public static final long DEFAULT_SEED = 42;
    public static final int DEFAULT_PROFILES = 5000;
    public static final int DEFAULT_HISTORY_DAYS = 730;
    public static final String DEFAULT_API_KEY = "pk_sandbox";
    public static final String DEFAULT_CURRENCY = "USD";
    public static final int DEFAULT_TRAIL_DAYS = 0;

    public SandboxOptions {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535, got " + port);
        if (profiles < 1 || profiles > 50_000_000) throw new IllegalArgumentException("profiles must be 1..50000000, got " + profiles);
        if (historyDays < 1 || historyDays > 3650) throw new IllegalArgumentException("history-days must be 1..3650, got " + historyDays);
        if (apiKey == null || apiKey.isBlank()) throw new IllegalArgumentException("api-key is empty");
        if (rateLimits == null) throw new IllegalArgumentException("rate-limits is null");
        if (latencyMs < 0) throw new IllegalArgumentException("latency-ms must be >= 0, got " + latencyMs);
        if (!(faults >= 0.0 && faults <= 1.0)) throw new IllegalArgumentException("faults must be 0.0..1.0, got " + faults);
        if (currency == null || !currency.matches("[A-Z]{3}")) throw new IllegalArgumentException("currency must be an ISO 4217 code like EUR, got " + currency);
        if (trailDays < 0 || trailDays > 30) throw new IllegalArgumentException("trail-days must be 0..30, got " + trailDays);
        if (timezone != null) {
            try {
                ZoneId.of(timezone);
            } catch (DateTimeException e) {
                throw new IllegalArgumentException("timezone must be an IANA zone like America/New_York, got " + timezone);
            }
        }
    }

    public static SandboxOptions defaults() {
        return new SandboxOptions(DEFAULT_PORT, DEFAULT_SEED, DEFAULT_PROFILES, DEFAULT_HISTORY_DAYS, DEFAULT_API_KEY,
                RateLimitMode.REAL, 0, 0.0, DEFAULT_CURRENCY, DEFAULT_TRAIL_DAYS, null);
    }

    public SandboxOptions withPort(int p) { return new SandboxOptions(p, seed, profiles, historyDays, apiKey, rateLimits, latencyMs, faults, currency, trailDays, timezone); }
    public SandboxOptions withSeed(long s) { return new SandboxOptions(port, s, profiles, historyDays, apiKey, rateLimits, latencyMs, faults, currency, trailDays, timezone); }
    public SandboxOptions withProfiles(int n) { return new SandboxOptions(port, seed, n, historyDays, apiKey, rateLimits, latencyMs, faults, currency, trailDays, timezone); }
    public SandboxOptions withHistoryDays(int d) { return new SandboxOptions(port, seed, profiles, d, apiKey, rateLimits, latencyMs, faults, currency, trailDays, timezone); }
    public SandboxOptions withApiKey(String k) { return new SandboxOptions(port, seed, profiles, historyDays, k, rateLimits, latencyMs, faults, currency, trailDays, timezone); }
    public SandboxOptions withRateLimits(RateLimitMode m) { return new SandboxOptions(port, seed, profiles, historyDays, apiKey, m, latencyMs, faults, currency, trailDays, timezone); }
    public SandboxOptions withLatencyMs(int ms) { return new SandboxOptions(port, seed, profiles, historyDays, apiKey, rateLimits, ms, faults, currency, trailDays, timezone); }
    public SandboxOptions withFaults(double p) { return new SandboxOptions(port, seed, profiles, historyDays, apiKey, rateLimits, latencyMs, p, currency, trailDays, timezone); }
    public SandboxOptions withTrailDays(int d) { return new SandboxOptions(port, seed, profiles, historyDays, apiKey, rateLimits, latencyMs, faults, currency, d, timezone); }
    public SandboxOptions withTimezone(String z) { return new SandboxOptions(port, seed, profiles, historyDays, apiKey, rateLimits, latencyMs, faults, currency, trailDays, z); }
    public SandboxOptions withCurrency(String c) { return new SandboxOptions(port, seed, profiles, historyDays, apiKey, rateLimits, latencyMs, faults, c, trailDays, timezone); }
}
