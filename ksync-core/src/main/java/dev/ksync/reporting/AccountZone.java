package dev.ksync.reporting;

import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.wire.Account;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * The Klaviyo account a sync reads and the timezone its days are counted in (GET /api/accounts, one call); UTC
 * when Klaviyo names no zone or one Java does not know.
 *
 * @param zoneSource "account" or "utc-fallback", for diagnostics
 * @param currency   the account's preferred_currency (ISO 4217, the currency its revenue is reported in) read by the
 *                   same call; empty when Klaviyo sends none or something else
 */
public record AccountZone(String accountId, ZoneId zone, String zoneSource, Optional<String> currency) {
    public static AccountZone fetch(KlaviyoClient client) {
        Account a = client.account();
        return of(a.id(), a.timezone(), a.preferredCurrency());
    }

    static AccountZone of(String accountId, String timezone, String currency) {
        Optional<String> code = Optional.ofNullable(currency).filter(c -> c.matches("[A-Z]{3}"));
        if (timezone != null && !timezone.isBlank()) {
            try {
                return new AccountZone(accountId, ZoneId.of(timezone), "account", code);
            } catch (DateTimeException e) {
                // an unknown zone name: fall back as for none
            }
        }
        return new AccountZone(accountId, ZoneOffset.UTC, "utc-fallback", code);
    }
}
