package dev.ksync.accounts;

import dev.ksync.audience.AudienceSchema;
import dev.ksync.error.KsyncException;
import dev.ksync.klaviyo.endpoint.ReportLimits;
import java.util.Objects;
import java.util.Optional;

/**
 * How the nightly update runs for one account; an empty option means the orchestrator's default. {@code days} and
 * {@code timeframeKey} both choose the window, so at most one is set.
 */
public record NightlyOptions(Optional<Integer> days, Optional<String> timeframeKey,
                             Optional<AudienceSchema> audienceSchema) {
    public static final int MAX_DAYS = 30;
    public static final NightlyOptions DEFAULTS = new NightlyOptions(Optional.empty(), Optional.empty(), Optional.empty());

    public NightlyOptions {
        Objects.requireNonNull(days, "days is null");
        Objects.requireNonNull(timeframeKey, "timeframeKey is null");
        Objects.requireNonNull(audienceSchema, "audienceSchema is null");
        days.ifPresent(d -> {
            if (d < 1 || d > MAX_DAYS) {
                throw KsyncException.badInput("nightlyDays", d, "a whole number from 1 to " + MAX_DAYS);
            }
        });
        timeframeKey.ifPresent(k -> {
            if (!ReportLimits.KEY_LONGEST_DAYS.containsKey(k)) {
                throw KsyncException.badInput("nightlyTimeframeKey", k,
                        String.join(", ", ReportLimits.KEY_LONGEST_DAYS.keySet()));
            }
        });
        if (days.isPresent() && timeframeKey.isPresent()) {
            throw KsyncException.badInput("nightlyTimeframeKey", timeframeKey.get(),
                    "only one of nightlyDays and nightlyTimeframeKey");
        }
    }
}
