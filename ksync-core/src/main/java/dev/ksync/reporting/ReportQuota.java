package dev.ksync.reporting;

import java.time.Instant;
import java.util.Objects;

/**
 * How many report calls an account may still spend on an endpoint today. A sync asks before it spends anything,
 * so a plan past the quota fails without a call. Klaviyo allows 225 a day per account and report endpoint; the
 * durable implementation counts the calls made in PostgreSQL, shared by every process on the database.
 */
@FunctionalInterface
public interface ReportQuota {
    /** Klaviyo's daily cap per account and report endpoint. */
    int KLAVIYO_DAILY = 225;

    /** @param resetsAt when the count starts afresh (null when unknown) */
    record Allowance(int remaining, Instant resetsAt) {
        public Allowance {
            if (remaining < 0) throw new IllegalArgumentException("remaining " + remaining);
        }
    }

    /**
     * @param account     Klaviyo's account id (the quota is Klaviyo's, per account)
     * @param operationId the report endpoint, e.g. {@code query_flow_series}
     */
    Allowance remaining(String account, String operationId);

    /** The same allowance for every account and endpoint (tests, and runs with nothing recorded yet). */
    static ReportQuota fixed(int remaining, Instant resetsAt) {
        Allowance a = new Allowance(remaining, resetsAt);
        return (account, operationId) -> {
            Objects.requireNonNull(account, "account is null");
            return a;
        };
    }
}
