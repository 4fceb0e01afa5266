package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import dev.ksync.accounts.AccountId;
import dev.ksync.backfill.export.OrderExport;
import dev.ksync.config.Secret;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The orders export: CSV bytes that depend on the rows alone, an XLSX holding the same rows, ranges checked. */
class BackfillExportHttpTest {
    private static final String SECRET = "export-secret";
    private static final ObjectMapper json = new ObjectMapper();
    /** More than the fetch size and the XLSX window, so both stream over several batches. */
    private static final int PER_DAY = 130;
    private static final LocalDate FIRST = LocalDate.parse("2026-01-01");
    private static final int DAYS = 10;

    @RegisterExtension
    static final TestRig rig = TestRig.api().secret(SECRET);

    @BeforeAll
    static void orders() {
        var ksync = rig.server().ksync;
        ksync.accounts().add(new AccountId("shop"), "Shop", new Secret("pk_shop_0123456789"));
        ksync.accounts().add(new AccountId("empty"), "Empty", new Secret("pk_empty_0123456789"));
        ksync.database().jdbi().useHandle(h -> {
            PreparedBatch b = h.prepareBatch("""
                    insert into backfill_orders (account_id, event_id, order_id, time, day, value, currency, items,
                      item_count, profile_id, email, utm_source, discount_codes, total_discounts, shipping_total,
                      categories, brands, attributed_channel)
                    values ('shop', :event, :order, :time, :day, :value, 'USD', cast(:items as jsonb), 2, :profile,
                      :email, :utm, cast(:codes as text[]), 1.50, null, '{"Shoes","Bags, big"}', '{}', 'email')""");
            // inserted in reverse so the export's order cannot come from insertion order
            for (int d = DAYS - 1; d >= 0; d--) {
                LocalDate day = FIRST.plusDays(d);
                for (int i = PER_DAY - 1; i >= 0; i--) {
                    // two orders share each second: the event id breaks the tie
                    Instant time = day.atStartOfDay(java.time.ZoneOffset.UTC).toInstant().plusSeconds(60L * (i / 2));
                    b.bind("event", "ev-" + day + "-" + (char) ('z' - i % 2) + i).bind("order", "#" + d + "-" + i)
                            .bind("time", java.sql.Timestamp.from(time)).bind("day", day)
                            .bind("value", new BigDecimal(i + ".5"))
                            .bind("items", "[{\"sku\": \"S-" + i + "\", \"name\": \"Tee, \\\"red\\\"\\nXL\", \"quantity\": 2}]")
                            .bind("profile", "p" + i).bind("email", "c" + i + "@example.com")
                            .bind("utm", i % 3 == 0 ? null : "news,letter")
                            .bind("codes", i % 2 == 0 ? "{}" : "{\"SAVE10\",\"VIP\"}").add();
                }
            }
            b.execute();
        });
    }

    private static HttpResponse<byte[]> get(String path, String secret) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(rig.uri(path)).GET();
        if (secret != null) r.header(AdminGate.HEADER, secret);
        return rig.server().http.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static List<List<String>> csvRows(byte[] body) {
        List<List<String>> rows = new ArrayList<>();
        CsvReader.builder().ofCsvRecord(new String(body, StandardCharsets.UTF_8)).stream().map(CsvRecord::getFields)
                .forEach(rows::add);
        return rows;
    }

    @Test
    void csv_of_a_range_is_byte_identical_on_two_calls_with_a_fixed_header_and_day_time_event_order() throws Exception {
        String path = "/api/backfill/data/shop/orders.csv?start=2026-01-03&end=2026-01-05";
        HttpResponse<byte[]> first = get(path, SECRET);
        HttpResponse<byte[]> second = get(path, SECRET);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
        assertThat(first.headers().firstValue("Content-Disposition"))
                .contains("attachment; filename=\"orders-shop-2026-01-03_2026-01-05.csv\"");
        assertThat(second.body()).isEqualTo(first.body());

        List<List<String>> rows = csvRows(first.body());
        assertThat(rows.get(0)).isEqualTo(OrderExport.HEADER);
        List<List<String>> data = rows.subList(1, rows.size());
        // inclusive days: the 3rd, 4th and 5th, nothing of the 2nd or 6th
        assertThat(data).hasSize(3 * PER_DAY);
        assertThat(data).extracting(r -> r.get(0)).containsOnly("2026-01-03", "2026-01-04", "2026-01-05");
        List<String> keys = data.stream().map(r -> r.get(0) + " " + r.get(1) + " " + r.get(2)).toList();
        assertThat(keys).isSorted().doesNotHaveDuplicates();
        List<String> firstRow = data.get(0);
        assertThat(firstRow.subList(0, 7)).containsExactly("2026-01-03", "2026-01-03T00:00:00Z", "ev-2026-01-03-y1",
                "#2-1", "1.50", "USD", "2");
        assertThat(firstRow.get(7)).isEqualTo("[{\"sku\": \"S-1\", \"name\": \"Tee, \\\"red\\\"\\nXL\", \"quantity\": 2}]");
        assertThat(firstRow.subList(8, 22)).containsExactly("p1", "c1@example.com", "news,letter", "", "",
                "SAVE10; VIP", "1.50", "", "Shoes; Bags, big", "", "", "email", "", "");
        assertThat(new String(first.body(), StandardCharsets.UTF_8)).startsWith(String.join(",", OrderExport.HEADER)
                + "\r\n");
    }

    @Test
    void xlsx_opens_and_holds_the_same_rows_as_the_csv() throws Exception {
        String range = "?start=2026-01-01&end=2026-01-10";
        List<List<String>> csv = csvRows(get("/api/backfill/data/shop/orders.csv" + range, SECRET).body());
        HttpResponse<byte[]> x = get("/api/backfill/data/shop/orders.xlsx" + range, SECRET);
        assertThat(x.statusCode()).isEqualTo(200);
        assertThat(x.headers().firstValue("Content-Type")).contains(BackfillExportRoutes.XLSX);
        assertThat(x.headers().firstValue("Content-Disposition"))
                .contains("attachment; filename=\"orders-shop-2026-01-01_2026-01-10.xlsx\"");
        assertThat(csv).hasSize(1 + DAYS * PER_DAY);
        try (XSSFWorkbook book = new XSSFWorkbook(new ByteArrayInputStream(x.body()))) {
            Sheet sheet = book.getSheet("orders");
            assertThat(sheet.getLastRowNum()).isEqualTo(DAYS * PER_DAY);
            for (int r = 0; r < csv.size(); r++) {
                Row row = sheet.getRow(r);
                for (int c = 0; c < OrderExport.HEADER.size(); c++) {
                    String expected = csv.get(r).get(c);
                    Cell cell = row.getCell(c);
                    String where = "row " + r + " column " + OrderExport.HEADER.get(c);
                    if (expected.isEmpty()) {
                        assertThat(cell).as(where).isNull();
                    } else if (cell.getCellType() == CellType.NUMERIC) {
                        assertThat(BigDecimal.valueOf(cell.getNumericCellValue())).as(where)
                                .isEqualByComparingTo(new BigDecimal(expected));
                    } else {
                        assertThat(cell.getStringCellValue()).as(where).isEqualTo(expected);
                    }
                }
            }
            assertThat(sheet.getRow(1).getCell(4).getCellType()).isEqualTo(CellType.NUMERIC);
        }
    }

    @Test
    void an_account_without_orders_gets_the_header_alone_and_an_exact_400_day_range_is_allowed() throws Exception {
        HttpResponse<byte[]> r = get("/api/backfill/data/empty/orders.csv?start=2025-01-01&end=2026-02-04", SECRET);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(String.join(",", OrderExport.HEADER) + "\r\n");
    }

    @Test
    void bad_ranges_answer_400_naming_the_field() throws Exception {
        String base = "/api/backfill/data/shop/orders.";
        record Case(String query, String field) {}
        for (String format : List.of("csv", "xlsx")) {
            for (Case c : List.of(new Case("?end=2026-01-02", "start"), new Case("?start=2026-01-02", "end"),
                    new Case("?start=2026-13-01&end=2026-01-02", "start"),
                    new Case("?start=2026-01-01&end=yesterday", "end"),
                    new Case("?start=2026-01-05&end=2026-01-04", "end"),
                    new Case("?start=2025-01-01&end=2026-02-05", "end"))) {
                HttpResponse<byte[]> r = get(base + format + c.query(), SECRET);
                JsonNode body = json.readTree(r.body());
                assertThat(r.statusCode()).as(format + c.query()).isEqualTo(400);
                assertThat(body.path("details").path("field").asText()).as(format + c.query()).isEqualTo(c.field());
                assertThat(body.path("error").asText()).isEqualTo("invalid_" + c.field());
            }
        }
        HttpResponse<byte[]> tooLong = get(base + "csv?start=2025-01-01&end=2026-02-05", SECRET);
        assertThat(new String(tooLong.body(), StandardCharsets.UTF_8)).contains("at most 400 days");
    }

    @Test
    void an_unknown_account_is_404_and_no_secret_is_401() throws Exception {
        String range = "?start=2026-01-01&end=2026-01-02";
        HttpResponse<byte[]> nobody = get("/api/backfill/data/nobody/orders.csv" + range, SECRET);
        AnswerChecks.assertNotRegistered(nobody.statusCode(), nobody.headers().firstValue("content-type").orElse(""),
                new String(nobody.body(), StandardCharsets.UTF_8), "nobody",
                "only a registered account's backfilled orders can be exported");
        assertThat(get("/api/backfill/data/shop/orders.xlsx" + range, null).statusCode()).isEqualTo(401);
        assertThat(get("/api/backfill/data/shop/orders.csv" + range, "wrong").statusCode()).isEqualTo(401);
        assertThat(get("/api/backfill/data/Bad%20Id/orders.csv" + range, SECRET).statusCode()).isEqualTo(400);
    }
}
