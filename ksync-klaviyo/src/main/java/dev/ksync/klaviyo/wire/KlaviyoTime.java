package dev.ksync.klaviyo.wire;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;

/**
 * Klaviyo datetimes as they really arrive: {@code 2026-09-04T13:38:44.942300+00:00},
 * {@code 2024-03-26T17:24:42+00:00}, {@code …Z}, a space instead of {@code T}, no offset (UTC),
 * or a bare date.
 */
public final class KlaviyoTime {
    private KlaviyoTime() {}

    private static final DateTimeFormatter LENIENT = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .appendLiteral('T')
            .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':')
            .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
            .optionalStart().appendLiteral(':').appendValue(ChronoField.SECOND_OF_MINUTE, 2)
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .optionalEnd()
            .optionalStart().appendOffset("+HH:MM:ss", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HH", "Z").optionalEnd()
            .toFormatter();

    /** Parses any of the forms above; null or blank gives null. */
    public static Instant parse(String text) {
        if (text == null) return null;
        Instant fast = utcSeconds(text);
        if (fast != null) return fast;
        String s = text.strip();
        if (s.isEmpty()) return null;
        // ISO zoned form: "…+00:00[UTC]" — the offset before the region already fixes the instant
        if (s.endsWith("]") && s.indexOf('[') > 10) s = s.substring(0, s.indexOf('['));
        if (s.length() == 10) return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
        if (s.length() > 10 && s.charAt(10) == ' ') s = s.substring(0, 10) + 'T' + s.substring(11);
        s = s.replace(" ", "");
        var parsed = LENIENT.parseBest(s, OffsetDateTime::from, LocalDateTime::from);
        if (parsed instanceof OffsetDateTime o) return o.toInstant();
        if (parsed instanceof LocalDateTime l) return l.toInstant(ZoneOffset.UTC);
        throw new DateTimeParseException("not a Klaviyo datetime", text, 0);
    }

    /**
     * Klaviyo's usual form, {@code 2024-03-26T17:24:42+00:00} or {@code …Z}, read without the general parser (its
     * optional sections cost microseconds a value, and raw ingestion reads every event's datetime); null when the
     * text has another form or an out-of-range field, which the general parser then reads or refuses.
     */
    private static Instant utcSeconds(String s) {
        int n = s.length();
        if (!(n == 25 && s.endsWith("+00:00") || n == 20 && s.charAt(19) == 'Z')) return null;
        if (s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4), month = digits(s, 5, 2), day = digits(s, 8, 2);
        int hour = digits(s, 11, 2), minute = digits(s, 14, 2), second = digits(s, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 28 && day > YearMonth.of(year, month).lengthOfMonth()
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        return Instant.ofEpochSecond(LocalDate.of(year, month, day).toEpochDay() * 86_400 + hour * 3_600L + minute * 60L + second);
    }

    /** The decimal number in {@code s[from, from + len)}, or -1 if it is not all digits. */
    private static int digits(String s, int from, int len) {
        int v = 0;
        for (int i = from; i < from + len; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /**
     * The form filters take: {@code 2024-01-01T00:00:00Z}, with a fraction only when the instant has one, and never
     * finer than microseconds: Klaviyo keeps microseconds ({@code …13:38:44.942300+00:00}) and its filters take at most
     * 6 fractional digits, so nanoseconds are cut.
     */
    public static String format(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.MICROS));
    }

    private static final DateTimeFormatter LOCAL_SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");
    private static final DateTimeFormatter LOCAL_MICROS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS");

    /**
     * The form metric aggregates' filters take, the zone's wall clock without an offset (Klaviyo reads it in the
     * query's timezone): {@code 2025-01-01T00:00:00}, with six fractional digits only when the instant has a fraction,
     * cut to microseconds as in {@link #format}.
     */
    public static String formatLocal(Instant t, ZoneId zone) {
        LocalDateTime local = LocalDateTime.ofInstant(t, zone).truncatedTo(ChronoUnit.MICROS);
        return local.format(local.getNano() == 0 ? LOCAL_SECONDS : LOCAL_MICROS);
    }

    /**
     * An exclusive upper bound that takes in everything up to {@code now}: a second past it, rounded up to a whole
     * second, so a filter built from the clock reads {@code less-than(datetime,2026-12-02T03:51:49Z)}, never a bound
     * with the clock's nanoseconds, and never one before now.
     */
    public static Instant boundAfter(Instant now) {
        Instant t = now.plusSeconds(1);
        return t.getNano() == 0 ? t : t.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    }
}
