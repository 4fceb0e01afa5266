package dev.ksync.backfill.export;

import dev.ksync.csv.KeepOpen;
import dev.ksync.accounts.AccountId;
import dev.ksync.csv.CsvOut;
import dev.ksync.csv.CsvValues;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.xssf.streaming.SXSSFSheet;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;
import org.jdbi.v3.core.Jdbi;

/**
 * A backfilled account's orders of a range of days as CSV or XLSX, streamed: rows are read with a fetch size and
 * written as they come, so memory stays flat in the number of orders. Rows are ordered by day, time and event id,
 * and the CSV's bytes depend on the stored rows alone.
 */
public final class OrderExport {
    /** Rows fetched from PostgreSQL at a time (a cursor, as the fetch size needs a transaction). */
    static final int FETCH_SIZE = 500;
    /** Rows the XLSX writer keeps in memory; older ones are flushed to its temporary file. */
    static final int XLSX_WINDOW = 200;

    /** The fixed columns of both formats. Lists (codes, categories, brands) are joined with {@code "; "}. */
    public static final List<String> HEADER = List.of("date", "time", "event_id", "order_id", "value", "currency",
            "item_count", "items", "profile_id", "email", "utm_source", "utm_medium", "utm_campaign",
            "discount_codes", "total_discounts", "shipping_total", "categories", "brands", "attributed_message",
            "attributed_channel", "attributed_flow", "attributed_campaign");

    /** Columns written as numbers in the XLSX (their CSV cells are plain decimals). */
    private static final List<String> NUMERIC = List.of("value", "item_count", "total_discounts", "shipping_total");

    private static final String QUERY = """
            select day, time, event_id, order_id, value, currency, item_count, items::text as items, profile_id,
                   email, utm_source, utm_medium, utm_campaign, discount_codes, total_discounts, shipping_total,
                   categories, brands, attributed_message, attributed_channel, attributed_flow, attributed_campaign
            from backfill_orders
            where account_id = :account and day between :start and :end
            order by day, time, event_id""";

    private final Jdbi jdbi;

    public OrderExport(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Writes the CSV (RFC 4180, CRLF, UTF-8, a header line) into {@code out}, which stays open. */
    public long csv(AccountId account, DayRange days, OutputStream out) {
        CsvOut csv = new CsvOut(out, HEADER, 0);
        each(account, days, csv::row);
        csv.finish();
        return csv.rows();
    }

    /** Writes one sheet "orders" (header row, then the rows; numbers as numbers) into {@code out}, which stays open. */
    public long xlsx(AccountId account, DayRange days, OutputStream out) {
        SXSSFWorkbook book = new SXSSFWorkbook(XLSX_WINDOW);
        try {
            book.setCompressTempFiles(true);
            SXSSFSheet sheet = book.createSheet("orders");
            Row head = sheet.createRow(0);
            for (int c = 0; c < HEADER.size(); c++) {
                head.createCell(c).setCellValue(HEADER.get(c));
            }
            long[] rows = {0};
            each(account, days, cells -> {
                Row row = sheet.createRow((int) ++rows[0]);
                for (int c = 0; c < cells.size(); c++) {
                    String v = cells.get(c);
                    if (v.isEmpty()) continue;
                    Cell cell = row.createCell(c);
                    if (NUMERIC.contains(HEADER.get(c))) {
                        cell.setCellValue(new BigDecimal(v).doubleValue());
                    } else {
                        cell.setCellValue(v);
                    }
                }
            });
            book.write(new KeepOpen(out));
            return rows[0];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            book.dispose();
            try {
                book.close();
            } catch (IOException ignored) {
                // its temporary files are already deleted by dispose
            }
        }
    }

    /** Hands each order of the range, as its cells in {@link #HEADER}'s order, to {@code sink}, in export order. */
    private void each(AccountId account, DayRange days, Consumer<List<String>> sink) {
        jdbi.useTransaction(h -> h.createQuery(QUERY).setFetchSize(FETCH_SIZE)
                .bind("account", account.value()).bind("start", days.start()).bind("end", days.end())
                .map((rs, ctx) -> cells(rs))
                .forEach(sink));
    }

    private static List<String> cells(ResultSet rs) throws SQLException {
        List<String> c = new ArrayList<>(HEADER.size());
        c.add(rs.getObject("day", LocalDate.class).toString());
        Timestamp time = rs.getTimestamp("time");
        c.add(CsvValues.timestamp(time == null ? null : time.toInstant()));
        c.add(rs.getString("event_id"));
        c.add(text(rs.getString("order_id")));
        c.add(money(rs.getBigDecimal("value")));
        c.add(text(rs.getString("currency")));
        c.add(Integer.toString(rs.getInt("item_count")));
        c.add(text(rs.getString("items")));
        c.add(text(rs.getString("profile_id")));
        c.add(text(rs.getString("email")));
        c.add(text(rs.getString("utm_source")));
        c.add(text(rs.getString("utm_medium")));
        c.add(text(rs.getString("utm_campaign")));
        c.add(list(rs.getArray("discount_codes")));
        c.add(money(rs.getBigDecimal("total_discounts")));
        c.add(money(rs.getBigDecimal("shipping_total")));
        c.add(list(rs.getArray("categories")));
        c.add(list(rs.getArray("brands")));
        c.add(text(rs.getString("attributed_message")));
        c.add(text(rs.getString("attributed_channel")));
        c.add(text(rs.getString("attributed_flow")));
        c.add(text(rs.getString("attributed_campaign")));
        return c;
    }

    private static String text(String v) {
        return v == null ? "" : v;
    }

    private static String money(BigDecimal v) {
        return v == null ? "" : v.setScale(2, RoundingMode.HALF_UP).toPlainString();
    }

    private static String list(Array a) throws SQLException {
        if (a == null) return "";
        Object[] values = (Object[]) a.getArray();
        return String.join("; ", Arrays.stream(values).map(String::valueOf).toList());
    }
}
