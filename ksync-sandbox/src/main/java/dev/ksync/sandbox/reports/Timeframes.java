package dev.ksync.sandbox.reports;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ksync.sandbox.query.ApiException;
import dev.ksync.sandbox.query.ReportLimits;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAdjusters;

/** Report timeframes, resolved in the account timezone as Klaviyo does (offsets in custom ones are ignored). */
final class Timeframes {
    private Timeframes() {}

    record Window(ZonedDateTime start, ZonedDateTime end) {
        Instant from() { return start.toInstant(); }
        Instant to() { return end.toInstant(); }
    }

    /**
     * The window, refused when it is longer than the series interval allows (null: a values report) or than
     * {@link ReportLimits#MAX_TIMEFRAME}; the interval's rule, being the tighter one, is named first.
     */
    static Window resolve(JsonNode tf, ReportLimits.Interval interval, ZoneId zone, Instant now, String pointer) {
        Window w = window(tf, zone, now, pointer);
        LocalDateTime s = w.start().toLocalDateTime(), e = w.end().toLocalDateTime();
        if (interval != null && interval.max().isPresent() && !ReportLimits.fits(s, e, interval.max().get())) {
            throw ApiException.invalidBody(pointer, interval.rule());
        }
        if (!ReportLimits.fits(s, e, ReportLimits.MAX_TIMEFRAME)) throw ApiException.invalidBody(pointer, ReportLimits.MAX_TIMEFRAME_RULE);
        return w;
    }

    private static Window window(JsonNode tf, ZoneId zone, Instant now, String pointer) {
        if (tf == null || !tf.isObject()) throw ApiException.invalidBody(pointer, "timeframe is required: {\"key\": \"last_30_days\"} or {\"start\": …, \"end\": …}.");
        ZonedDateTime n = now.atZone(zone);
        LocalDate today = n.toLocalDate();
        if (tf.has("key")) {
            String key = tf.get("key").asText();
            ZonedDateTime t0 = today.atStartOfDay(zone);
            return switch (key) {
                case "today" -> new Window(t0, n);
                case "yesterday" -> new Window(today.minusDays(1).atStartOfDay(zone), t0);
                case "this_week" -> new Window(today.with(TemporalAdjusters.previousOrSame(DayOfWeek.SUNDAY)).atStartOfDay(zone), n);
                case "last_week" -> {
                    LocalDate s = today.with(TemporalAdjusters.previousOrSame(DayOfWeek.SUNDAY)).minusWeeks(1);
                    yield new Window(s.atStartOfDay(zone), s.plusWeeks(1).atStartOfDay(zone));
                }
                case "this_month" -> new Window(today.withDayOfMonth(1).atStartOfDay(zone), n);
                case "last_month" -> new Window(today.withDayOfMonth(1).minusMonths(1).atStartOfDay(zone), today.withDayOfMonth(1).atStartOfDay(zone));
                case "this_year" -> new Window(today.withDayOfYear(1).atStartOfDay(zone), n);
                case "last_year" -> new Window(today.withDayOfYear(1).minusYears(1).atStartOfDay(zone), today.withDayOfYear(1).atStartOfDay(zone));
                case "last_7_days" -> new Window(today.minusDays(7).atStartOfDay(zone), t0);
                case "last_30_days" -> new Window(today.minusDays(30).atStartOfDay(zone), t0);
                case "last_90_days" -> new Window(today.minusDays(90).atStartOfDay(zone), t0);
                case "last_365_days" -> new Window(today.minusDays(365).atStartOfDay(zone), t0);
                case "last_3_months" -> new Window(today.withDayOfMonth(1).minusMonths(3).atStartOfDay(zone), today.withDayOfMonth(1).atStartOfDay(zone));
                case "last_12_months" -> new Window(today.withDayOfMonth(1).minusMonths(12).atStartOfDay(zone), today.withDayOfMonth(1).atStartOfDay(zone));
                default -> throw ApiException.invalidBody(pointer + "/key", "'" + key + "' is not a valid timeframe key. Allowed values: "
                        + "today, yesterday, this_week, last_week, this_month, last_month, this_year, last_year, last_7_days, "
                        + "last_30_days, last_90_days, last_3_months, last_12_months, last_365_days.");
            };
        }
        if (!tf.has("start") || !tf.has("end")) throw ApiException.invalidBody(pointer, "timeframe needs either key or both start and end.");
        ZonedDateTime s = local(tf.get("start").asText(), pointer + "/start").atZone(zone);
        ZonedDateTime e = local(tf.get("end").asText(), pointer + "/end").atZone(zone);
        if (!e.isAfter(s)) throw ApiException.invalidBody(pointer, "timeframe end must be after start.");
        return new Window(s, e);
    }

    private static LocalDateTime local(String text, String pointer) {
        String t = text.trim().replace(' ', 'T');
        try { return OffsetDateTime.parse(t).toLocalDateTime(); } catch (DateTimeParseException ignored) { }
        try { return LocalDateTime.parse(t); } catch (DateTimeParseException ignored) { }
        try { return LocalDate.parse(t).atStartOfDay(); } catch (DateTimeParseException ignored) { }
        throw ApiException.invalidBody(pointer, "'" + text + "' is not an ISO-8601 datetime.");
    }
}
