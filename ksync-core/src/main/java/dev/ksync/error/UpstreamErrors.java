package dev.ksync.error;

import dev.ksync.klaviyo.error.KlaviyoException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Klaviyo's failures as ksync errors: 502 with Klaviyo's status, code and detail (the key is never in them). */
public final class UpstreamErrors {
    private UpstreamErrors() {}

    public static KsyncException from(KlaviyoException e) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("operation", e.operation());
        d.put("klaviyoStatus", e.status());
        d.put("klaviyoCode", e.code());
        d.put("klaviyoDetail", e.detail());
        if (e instanceof KlaviyoException.RateLimited r) {
            d.put("resumeAt", String.valueOf(r.resumeAt()));
        } else if (e instanceof KlaviyoException.DailyCapReached c) {
            d.put("resumeAt", String.valueOf(c.resumeAt()));
        }
        String code = switch (e) {
            case KlaviyoException.Unauthorized u -> "klaviyo_unauthorized";
            case KlaviyoException.Forbidden f -> "klaviyo_forbidden";
            case KlaviyoException.RateLimited r -> "klaviyo_rate_limited";
            case KlaviyoException.DailyCapReached c -> "klaviyo_daily_cap";
            default -> "klaviyo_error";
        };
        return new KsyncException(ErrorKind.UPSTREAM, code, e.getMessage(), d, e);
    }
}
