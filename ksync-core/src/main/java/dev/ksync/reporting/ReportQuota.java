package dev.ksync.reporting;

import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.endpoint.Endpoints;
import dev.ksync.klaviyo.endpoint.RateTier;
import java.time.Instant;
import java.util.Objects;

/**
 * How many report calls an account may still spend on an endpoint today. A sync asks before it spends anything,
 * so a plan past the quota fails without a call. Klaviyo allows 225 a day per account and report endpoint;
 * {@link #budgets()} reads what the client's own budget windows counted, which with the PostgreSQL store are the
 * calls of every process on the database.
 */
@FunctionalInterface
public interface ReportQuota {
    /** Klaviyo's daily cap per account and report endpoint. */
    int KLAVIYO_DAILY = RateTier.REPORTS.dailyLimit();

    /** @param resetsAt when the count starts afresh (null when unknown) */
    record Allowance(int remaining, Instant resetsAt) {
        public Allowance {
            if (remaining < 0) throw new IllegalArgumentException("remaining " + remaining);
        }
    }

    /**
     * @param client      the account's client (the quota is Klaviyo's, per account: its key's budget windows)
     * @param operationId the report endpoint, e.g. {@code query_flow_series}
     */
    Allowance remaining(KlaviyoClient client, String operationId);

    /**
     * The calls left in the daily window of the client's budgets: the one that paces and caps its report calls,
     * so the plan and the calls count the same thing (no second table). Resets at the window's end.
     */
    static ReportQuota budgets() {
        return (client, operationId) -> client.dailyCapLeft(Endpoints.byOperationId(operationId))
                .map(left -> new Allowance(left.remaining(), left.resetsAt()))
                .orElseThrow(() -> new IllegalArgumentException(operationId + " has no daily cap"));
    }

    /** The same allowance for every account and endpoint (tests). */
    static ReportQuota fixed(int remaining, Instant resetsAt) {
        Allowance a = new Allowance(remaining, resetsAt);
        return (client, operationId) -> {
            Objects.requireNonNull(operationId, "operationId is null");
            return a;
        };
    }
}
