package dev.ksync.klaviyo;

import dev.ksync.klaviyo.http.RetryPolicy;
import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Settings shared by every account's client.
 *
 * @param revision        the pinned {@code revision} header
 * @param globalBurst     process-wide calls per second over all accounts ({@code KLAVIYO_LIMIT_GLOBAL_BURST}), 0 = none
 * @param globalPerMinute process-wide calls per minute ({@code KLAVIYO_LIMIT_GLOBAL_PER_MINUTE}), 0 = none
 * @param rateScale       divides rate windows, matching a sandbox run with {@code --rate-limits scaled:N}; 1 for Klaviyo
 * @param maxConcurrency  upper bound of parallel slices in partitioned paging (the tier's burst bounds it too)
 */
public record KlaviyoClientConfig(URI baseUrl, String revision, Duration timeout, RetryPolicy retry, int globalBurst,
                                  int globalPerMinute, int rateScale, int maxConcurrency) {
    public static final URI KLAVIYO = URI.create("https://a.klaviyo.com");
    /** Newest revision of the vendored spec (spec/klaviyo/SOURCE.md). */
    public static final String REVISION = "2026-07-15";
    private static final Pattern REVISION_FORM = Pattern.compile("\\d{4}-\\d{2}-\\d{2}(\\.[a-z]+)?");
    public static final Duration TIMEOUT = Duration.ofSeconds(60);
    public static final int MAX_CONCURRENCY = 16;

    /**
     * The oldest revision ksync's requests are valid for: events' page[size] of 1000 came with 2026-01-15, campaigns'
     * page[size] with 2026-04-15, campaign and flow messages' {@code definition} with 2025-01-15 and 2025-10-15.
     */
    public static final String OLDEST_REVISION = "2026-04-15";

    /** Whether {@code s} is a Klaviyo API revision: a real date, maybe with a suffix ({@code 2026-07-15.pre}). */
    public static boolean isRevision(String s) {
        if (s == null || !REVISION_FORM.matcher(s).matches()) return false;
        try {
            LocalDate.parse(s.substring(0, 10));
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /** Whether {@code s} is a revision that ksync's requests are valid for ({@link #OLDEST_REVISION} on). */
    public static boolean isSupportedRevision(String s) {
        return isRevision(s) && s.substring(0, 10).compareTo(OLDEST_REVISION) >= 0;
    }

    public KlaviyoClientConfig {
        Objects.requireNonNull(baseUrl, "baseUrl is null");
        if (!isRevision(revision)) {
            throw new IllegalArgumentException("revision must look like 2026-07-15, got " + revision);
        }
        Objects.requireNonNull(timeout, "timeout is null");
        Objects.requireNonNull(retry, "retry is null");
        if (globalBurst < 0 || globalPerMinute < 0 || rateScale < 1 || maxConcurrency < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    public static KlaviyoClientConfig defaults() {
        return of(KLAVIYO);
    }

    public static KlaviyoClientConfig of(URI baseUrl) {
        return new KlaviyoClientConfig(baseUrl, REVISION, TIMEOUT, RetryPolicy.DEFAULT, 0, 0, 1, MAX_CONCURRENCY);
    }

    public KlaviyoClientConfig withRevision(String r) {
        return new KlaviyoClientConfig(baseUrl, r, timeout, retry, globalBurst, globalPerMinute, rateScale, maxConcurrency);
    }

    public KlaviyoClientConfig withTimeout(Duration t) {
        return new KlaviyoClientConfig(baseUrl, revision, t, retry, globalBurst, globalPerMinute, rateScale, maxConcurrency);
    }

    public KlaviyoClientConfig withRetry(RetryPolicy r) {
        return new KlaviyoClientConfig(baseUrl, revision, timeout, r, globalBurst, globalPerMinute, rateScale, maxConcurrency);
    }

    public KlaviyoClientConfig withGlobalLimit(int burst, int perMinute) {
        return new KlaviyoClientConfig(baseUrl, revision, timeout, retry, burst, perMinute, rateScale, maxConcurrency);
    }

    public KlaviyoClientConfig withRateScale(int scale) {
        return new KlaviyoClientConfig(baseUrl, revision, timeout, retry, globalBurst, globalPerMinute, scale, maxConcurrency);
    }

    public KlaviyoClientConfig withMaxConcurrency(int n) {
        return new KlaviyoClientConfig(baseUrl, revision, timeout, retry, globalBurst, globalPerMinute, rateScale, n);
    }

    public boolean hasGlobalLimit() {
        return globalBurst > 0 && globalPerMinute > 0;
    }
}
