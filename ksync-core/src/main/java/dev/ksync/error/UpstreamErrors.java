package dev.ksync.error;

import dev.ksync.klaviyo.error.KlaviyoException;
import dev.ksync.klaviyo.report.ReportRefused;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The client's failures as ksync errors, keeping whose move they are and when a retry may succeed. Klaviyo's answers
 * become 502s with Klaviyo's status, code and detail (the key is never in them); a 401/403 stays the user's to fix.
 */
public final class UpstreamErrors {
    private UpstreamErrors() {}

    /** Any failure a door may meet, as a ksync error; empty for anything else (a bug). */
    public static Optional<KsyncException> translate(Throwable e) {
        return switch (e) {
            case KsyncException k -> Optional.of(k);
            case KlaviyoException k -> Optional.of(from(k));
            case ReportRefused r -> Optional.of(new KsyncException(ErrorKind.BAD_INPUT, "report_refused",
                    r.getMessage(), Map.of("rule", r.rule()), r));
            default -> Optional.empty();
        };
    }

    public static KsyncException from(KlaviyoException e) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("operation", e.operation());
        d.put("klaviyoStatus", e.status());
        d.put("klaviyoCode", e.code());
        d.put("klaviyoDetail", e.detail());
        e.retryAt().ifPresent(at -> d.put("resumeAt", at.toString()));
        if (e instanceof KlaviyoException.DailyCapReached c) {
            // our own count of the day's report calls ran out mid-run (another process spent them): the quota
            // answer a plan past it gets, not a Klaviyo failure
            d.put("remaining", 0);
            d.put("resetsAt", c.resumeAt() == null ? null : c.resumeAt().toString());
            return new KsyncException(ErrorKind.RATE_LIMITED, e.blame(), "report_quota_exhausted", e.getMessage(), d,
                    e.retryAt(), e);
        }
        String code = switch (e) {
            case KlaviyoException.Unauthorized u -> "klaviyo_unauthorized";
            case KlaviyoException.Forbidden f -> "klaviyo_forbidden";
            case KlaviyoException.RateLimited r -> "klaviyo_rate_limited";
            default -> "klaviyo_error";
        };
        return new KsyncException(ErrorKind.UPSTREAM, e.blame(), code, e.getMessage(), d, e.retryAt(), e);
    }
}
