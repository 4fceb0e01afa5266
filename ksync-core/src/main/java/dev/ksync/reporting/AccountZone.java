package dev.ksync.reporting;

import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.wire.Account;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The Klaviyo account a sync reads and the timezone its days are counted in (GET /api/accounts, one call); UTC
 * when Klaviyo names no zone or one Java does not know.
 *
 * @param zoneSource "account" or "utc-fallback", for diagnostics
 */
public record AccountZone(String accountId, ZoneId zone, String zoneSource) {
    public static AccountZone fetch(KlaviyoClient client) {
        Account a = client.account();
        return of(a.id(), a.timezone());
    }

    static AccountZone of(String accountId, String timezone) {
        if (timezone != null && !timezone.isBlank()) {
            try {
                return new AccountZone(accountId, ZoneId.of(timezone), "account");
            } catch (DateTimeException e) {
                // an unknown zone name: fall back as for none
            }
        }
        return new AccountZone(accountId, ZoneOffset.UTC, "utc-fallback");
    }
}
