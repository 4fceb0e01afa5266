package dev.ksync.csv;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * How values look in ksync's CSV files: timestamps ISO-8601 UTC with {@code Z} to the second, days
 * {@code YYYY-MM-DD} in the account's zone, {@code .} as decimal point, money with 2 decimals, rates as fractions
 * with at most 6 decimals, empty cells for missing values.
 */
public final class CsvValues {
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    private CsvValues() {}

    public static String timestamp(Instant t) {
        return t == null ? "" : TIMESTAMP.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    public static String day(Instant t, ZoneId zone) {
        return t == null ? "" : LocalDate.ofInstant(t, zone).toString();
    }

    public static String money(Double v) {
        return v == null || v.isNaN() || v.isInfinite() ? ""
                : BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_UP).toPlainString();
    }

    /** A fraction with at most 6 decimals and no trailing zeros (0.4213, 1, 0). */
    public static String rate(Double v) {
        if (v == null || v.isNaN() || v.isInfinite()) {
            return "";
        }
        BigDecimal d = BigDecimal.valueOf(v).setScale(6, RoundingMode.HALF_UP).stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0, RoundingMode.UNNECESSARY).toPlainString() : d.toPlainString();
    }

    /** A count or other number: whole numbers without a decimal part, others with up to 6 decimals. */
    public static String number(Double v) {
        return rate(v);
    }

    public static String text(String s) {
        return s == null ? "" : s;
    }
}
