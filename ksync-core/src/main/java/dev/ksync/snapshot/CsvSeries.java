package dev.ksync.snapshot;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.NamedCsvRecord;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Turns the three CSVs of an upload into daily series, reading each file once as a stream (memory holds one entry
 * per day, not per row). A count comes from its count column when the file has one (campaigns.csv's Unsubscribes),
 * else from its rate, rounded to a whole number per row (flows.csv carries only Unsub Rate): rate × Delivered, but a
 * bounce rate is Klaviyo's bounced / recipients, and recipients = delivered + bounced, so bounces = rate × Delivered /
 * (1 − rate).
 *
 * <p>The same pass sums each flow's and campaign's days for the dashboard's top lists ({@link TopRow}): only the
 * count columns themselves (no rate stands in), and revenue unrounded.
 */
final class CsvSeries {
    /**
     * A count and the rate column that stands in for it where a file lacks the count.
     *
     * @param ofRecipients the rate is of recipients (delivered + this count), not of delivered
     */
    private record Measure(String count, String rate, boolean ofRecipients) {
        Measure(String count, String rate) {
            this(count, rate, false);
        }
    }

    private static final Measure OPENS = new Measure("Unique Opens", "Open Rate");
    private static final Measure CLICKS = new Measure("Unique Clicks", "Click Rate");
    private static final Measure ORDERS = new Measure("Placed Order", "Placed Order Rate");
    private static final Measure UNSUBS = new Measure("Unsubscribes", "Unsub Rate");
    private static final Measure COMPLAINTS = new Measure("Spam Complaints", "Complaint Rate");
    private static final Measure BOUNCES = new Measure("Bounces", "Bounce Rate", true);
    private static final String CREATED = "Profile Created On";

    private final Map<Source, TreeMap<LocalDate, Counts>> mail = new TreeMap<>();
    private final Map<Source, TreeMap<ItemDay, ItemSums>> items = new TreeMap<>();

    private record ItemDay(LocalDate day, String itemId) implements Comparable<ItemDay> {
        @Override
        public int compareTo(ItemDay o) {
            int c = day.compareTo(o.day);
            return c != 0 ? c : itemId.compareTo(o.itemId);
        }
    }

    /** One item's day being summed. */
    private static final class ItemSums {
        String name;
        long delivered, opens, clicks, orders;
        BigDecimal revenue = BigDecimal.ZERO;
    }
    private final TreeMap<LocalDate, Long> created = new TreeMap<>();

    /** Adds flows.csv or campaigns.csv (both dated by their Day column). */
    void readMail(Source source, String file, InputStream in) {
        TreeMap<LocalDate, Counts> days = mail.computeIfAbsent(source, s -> new TreeMap<>());
        TreeMap<ItemDay, ItemSums> byItem = items.computeIfAbsent(source, s -> new TreeMap<>());
        String label = source == Source.FLOWS ? "Flow" : "Campaign";
        try (CsvReader<NamedCsvRecord> csv = CsvReader.builder().ofNamedCsvRecord(reader(in))) {
            for (NamedCsvRecord r : csv) {
                String dayCell = r.findField("Day").orElse("");
                if (dayCell.isEmpty()) {
                    continue;
                }
                LocalDate day = parseDay(file, r, dayCell);
                long delivered = whole(file, r, "Delivered");
                Counts c = new Counts(delivered, count(file, r, OPENS, delivered), count(file, r, CLICKS, delivered),
                        count(file, r, ORDERS, delivered), revenue(file, r, delivered), count(file, r, UNSUBS, delivered),
                        count(file, r, COMPLAINTS, delivered), count(file, r, BOUNCES, delivered));
                days.merge(day, c, Counts::plus);
                String id = r.findField(label + " ID").orElse("");
                if (!id.isEmpty()) {
                    ItemSums t = byItem.computeIfAbsent(new ItemDay(day, id), k -> new ItemSums());
                    t.name = r.findField(label + " Name").orElse(t.name);
                    t.delivered += delivered;
                    t.opens += whole(file, r, OPENS.count());
                    t.clicks += whole(file, r, CLICKS.count());
                    t.orders += whole(file, r, ORDERS.count());
                    String revenue = r.findField("Revenue").orElse("");
                    if (!revenue.isEmpty()) {
                        t.revenue = t.revenue.add(decimal(file, r, "Revenue", revenue));
                    }
                }
            }
        } catch (IOException | CsvParseException e) {
            throw unreadable(file, e.getMessage());
        }
    }

    /** Adds subscribers.csv: one new subscriber per row on the day of its Profile Created On in {@code zone}. */
    void readSubscribers(String file, InputStream in, ZoneId zone) {
        try (CsvReader<NamedCsvRecord> csv = CsvReader.builder().ofNamedCsvRecord(reader(in))) {
            for (NamedCsvRecord r : csv) {
                String cell = r.findField(CREATED).orElse("");
                if (cell.isEmpty()) {
                    continue;
                }
                try {
                    created.merge(LocalDate.ofInstant(Instant.parse(cell), zone), 1L, Long::sum);
                } catch (DateTimeParseException e) {
                    throw bad(file, r, CREATED, cell);
                }
            }
        } catch (IOException | CsvParseException e) {
            throw unreadable(file, e.getMessage());
        }
    }

    /**
     * The rows of every source for the days {@code keep} accepts, by source then day. The {@code all} rows cover
     * every day any file has; their subscriber total counts every profile created up to that day, kept or not.
     */
    List<SeriesRow> rows(Predicate<LocalDate> keep) {
        List<SeriesRow> out = new ArrayList<>();
        TreeMap<LocalDate, Counts> all = new TreeMap<>();
        for (Source s : List.of(Source.FLOWS, Source.CAMPAIGNS)) {
            mail.getOrDefault(s, new TreeMap<>()).forEach((day, c) -> {
                all.merge(day, c, Counts::plus);
                if (keep.test(day)) {
                    out.add(new SeriesRow(day, s, c, Optional.empty(), Optional.empty()));
                }
            });
        }
        created.keySet().forEach(day -> all.putIfAbsent(day, Counts.ZERO));
        long running = 0;
        var newByDay = created;
        for (Map.Entry<LocalDate, Counts> e : all.entrySet()) {
            long fresh = newByDay.getOrDefault(e.getKey(), 0L);
            running += fresh;
            if (keep.test(e.getKey())) {
                out.add(new SeriesRow(e.getKey(), Source.ALL, e.getValue(), Optional.of(fresh), Optional.of(running)));
            }
        }
        return out;
    }

    /** Each flow's and campaign's days that {@code keep} accepts, by kind, day and id. */
    List<TopRow> tops(Predicate<LocalDate> keep) {
        List<TopRow> out = new ArrayList<>();
        items.forEach((source, days) -> days.forEach((k, t) -> {
            if (keep.test(k.day())) {
                out.add(new TopRow(TopRow.kind(source), k.itemId(), k.day(), t.name, t.delivered, t.opens, t.clicks,
                        t.orders, t.revenue));
            }
        }));
        return out;
    }

    private static InputStreamReader reader(InputStream in) {
        return new InputStreamReader(in, StandardCharsets.UTF_8);
    }

    private static long count(String file, NamedCsvRecord r, Measure m, long delivered) {
        String cell = r.findField(m.count()).orElse("");
        if (!cell.isEmpty()) {
            return wholeCell(file, r, m.count(), cell);
        }
        String rateCell = r.findField(m.rate()).orElse("");
        if (rateCell.isEmpty()) {
            return 0;
        }
        BigDecimal rate = decimal(file, r, m.rate(), rateCell);
        BigDecimal count = rate.multiply(BigDecimal.valueOf(delivered));
        if (m.ofRecipients() && delivered > 0) {
            if (rate.compareTo(BigDecimal.ONE) >= 0) { // all bounced, yet some delivered
                throw bad(file, r, m.rate(), rateCell);
            }
            count = count.divide(BigDecimal.ONE.subtract(rate), MathContext.DECIMAL64);
        }
        return count.setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    private static BigDecimal revenue(String file, NamedCsvRecord r, long delivered) {
        String cell = r.findField("Revenue").orElse("");
        if (!cell.isEmpty()) {
            return decimal(file, r, "Revenue", cell);
        }
        String rpr = r.findField("Revenue per Recipient").orElse("");
        return rpr.isEmpty() ? BigDecimal.ZERO
                : decimal(file, r, "Revenue per Recipient", rpr).multiply(BigDecimal.valueOf(delivered));
    }

    private static long whole(String file, NamedCsvRecord r, String column) {
        String cell = r.findField(column).orElse("");
        return cell.isEmpty() ? 0 : wholeCell(file, r, column, cell);
    }

    private static long wholeCell(String file, NamedCsvRecord r, String column, String cell) {
        try {
            return new BigDecimal(cell).setScale(0, RoundingMode.HALF_UP).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw bad(file, r, column, cell);
        }
    }

    private static BigDecimal decimal(String file, NamedCsvRecord r, String column, String cell) {
        try {
            return new BigDecimal(cell);
        } catch (NumberFormatException e) {
            throw bad(file, r, column, cell);
        }
    }

    private static LocalDate parseDay(String file, NamedCsvRecord r, String cell) {
        try {
            return LocalDate.parse(cell);
        } catch (DateTimeParseException e) {
            throw bad(file, r, "Day", cell);
        }
    }

    private static KsyncException bad(String file, NamedCsvRecord r, String column, String cell) {
        String shown = cell.length() > 40 ? cell.substring(0, 40) + "…" : cell;
        return new KsyncException(ErrorKind.UNPROCESSABLE, "snapshot_csv_invalid", file + " line "
                + r.getStartingLineNumber() + ": column " + column + " holds '" + shown + "', which is not a "
                + ("Day".equals(column) ? "day (YYYY-MM-DD)" : CREATED.equals(column) ? "UTC timestamp" : "number")
                + "; fix or replace the file and process the snapshot again",
                Map.of("file", file, "line", r.getStartingLineNumber(), "column", column));
    }

    private static KsyncException unreadable(String file, String why) {
        return new KsyncException(ErrorKind.UNPROCESSABLE, "snapshot_csv_invalid", file + " could not be read as CSV ("
                + why + "); fix or replace the file and process the snapshot again", Map.of("file", file));
    }
}
