package dev.ksync.dashboard;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.NamedCsvRecord;
import dev.ksync.dashboard.DashboardView.Top;
import dev.ksync.dashboard.DashboardView.TopItem;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.reporting.Statistic;
import dev.ksync.snapshot.SnapshotFiles;
import dev.ksync.snapshot.Upload;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Top flows and campaigns when no backfill has daily statistics for the range: the snapshot's tables hold only
 * series, so its flows.csv and campaigns.csv are streamed once and summed per flow or campaign (memory holds one
 * entry per flow or campaign, not per row). Only the snapshot's own window is there to read.
 */
record SnapshotTops(Top flows, Top campaigns) {

    private static final class Sum {
        String name;
        long delivered, opens, clicks, orders;
        BigDecimal revenue = BigDecimal.ZERO;

        TopItem item(String id) {
            return new TopItem(id, name == null || name.isEmpty() ? id : name, delivered, opens, clicks, orders,
                    revenue.setScale(2, RoundingMode.HALF_UP));
        }
    }

    static SnapshotTops read(SnapshotFiles files, long snapshotId, DashboardRange range, int limit) {
        return new SnapshotTops(read(files, snapshotId, Upload.FLOWS, "Flow", range, limit),
                read(files, snapshotId, Upload.CAMPAIGNS, "Campaign", range, limit));
    }

    private static Top read(SnapshotFiles files, long snapshotId, String file, String kind, DashboardRange range,
            int limit) {
        Map<String, Sum> sums = new HashMap<>();
        try (InputStream in = files.open(snapshotId, file);
             CsvReader<NamedCsvRecord> csv = CsvReader.builder()
                     .ofNamedCsvRecord(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (NamedCsvRecord r : csv) {
                LocalDate day = LocalDate.parse(r.findField("Day").orElse(""));
                String id = r.findField(kind + " ID").orElse("");
                if (id.isEmpty() || day.isBefore(range.start()) || day.isAfter(range.end())) {
                    continue;
                }
                Sum s = sums.computeIfAbsent(id, k -> new Sum());
                s.name = r.findField(kind + " Name").orElse(s.name);
                s.delivered += whole(r, Statistic.DELIVERED.header());
                s.opens += whole(r, Statistic.UNIQUE_OPENS.header());
                s.clicks += whole(r, Statistic.UNIQUE_CLICKS.header());
                s.orders += whole(r, Statistic.PLACED_ORDER.header());
                String revenue = r.findField(Statistic.REVENUE.header()).orElse("");
                if (!revenue.isEmpty()) {
                    s.revenue = s.revenue.add(new BigDecimal(revenue));
                }
            }
        } catch (IOException | CsvParseException | DateTimeParseException | NumberFormatException
                 | ArithmeticException e) {
            throw new KsyncException(ErrorKind.UNPROCESSABLE, "snapshot_csv_invalid", file + " of snapshot "
                    + snapshotId + " could not be read for the top " + kind.toLowerCase() + "s (" + e.getMessage()
                    + ")", Map.of("snapshotId", snapshotId, "file", file));
        }
        List<TopItem> items = sums.entrySet().stream().map(e -> e.getValue().item(e.getKey()))
                .sorted(Comparator.comparing(TopItem::revenue).reversed()
                        .thenComparing(Comparator.comparingLong(TopItem::delivered).reversed())
                        .thenComparing(TopItem::id))
                .limit(limit).toList();
        return new Top(items.isEmpty() ? "none" : "snapshot", items);
    }

    private static long whole(NamedCsvRecord r, String column) {
        String cell = r.findField(column).orElse("");
        return cell.isEmpty() ? 0 : new BigDecimal(cell).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }
}
