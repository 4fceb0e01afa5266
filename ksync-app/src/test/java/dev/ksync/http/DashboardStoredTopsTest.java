package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.NamedCsvRecord;
import dev.ksync.accounts.AccountId;
import dev.ksync.config.Secret;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.snapshot.Upload;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dashboard's top flows and campaigns without a backfill come from sums stored in PostgreSQL when the snapshot is
 * made ready (V8), never from rereading its CSVs per request; they equal what summing the CSVs gives. The currency is
 * Klaviyo's account currency (the sandbox set to EUR), read by the update's existing account call.
 */
class DashboardStoredTopsTest {
    private static final String SECRET = "tops-secret";
    /** Exact decimals, so a revenue's scale (12.30 vs 12.3) is compared too. */
    private static final ObjectMapper json = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    @RegisterExtension
    static final TestRig rig = TestRig.api().secret(SECRET).env("KLAVIYO_RATE_SCALE", "60") // several updates, no budget waits
            .sandbox(SandboxOptions.defaults().withProfiles(300)
            .withRateLimits(RateLimitMode.OFF).withCurrency("EUR"));

    private static JsonNode update(String account) throws Exception {
        if (rig.ksync().accounts().find(new AccountId(account)).isEmpty()) {
            rig.ksync().accounts().add(new AccountId(account), account, new Secret(TestRig.SANDBOX_KEY));
        }
        HttpResponse<String> r = rig.server().post("/api/dashboard/update", SECRET,
                "{\"mode\":\"live\",\"accountId\":\"" + account + "\",\"days\":30,\"timeframeKey\":\"last_30_days\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }

    private static JsonNode dashboard(String account, LocalDate start, LocalDate end) throws Exception {
        HttpResponse<String> r = rig.server().get("/api/accounts/" + account + "/dashboard?start=" + start + "&end="
                + end, SECRET);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }

    private static Jdbi jdbi() {
        return rig.ksync().database().jdbi();
    }

    private static String csv(long snapshotId, String file) throws Exception {
        HttpResponse<String> r = rig.server().get("/api/snapshots/" + snapshotId + "/files/" + file, SECRET);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    /** The days any flow or campaign row of the snapshot's CSVs has, sorted. */
    private static List<LocalDate> days(long snapshotId) throws Exception {
        List<LocalDate> days = new ArrayList<>();
        for (String file : List.of(Upload.FLOWS, Upload.CAMPAIGNS)) {
            for (NamedCsvRecord r : CsvReader.builder().ofNamedCsvRecord(csv(snapshotId, file))) {
                days.add(LocalDate.parse(r.getField("Day")));
            }
        }
        days.sort(null);
        return days;
    }

    /**
     * What the dashboard answered before the sums were stored, computed here from the CSV as it did: cells rounded
     * to whole counts and summed, revenue summed and rounded to cents, the last row's name, by revenue, delivered, id.
     */
    private static List<String> fromCsv(String csv, String kind, LocalDate start, LocalDate end) {
        record Sum(String[] name, long[] counts, BigDecimal[] revenue) {}
        Map<String, Sum> sums = new HashMap<>();
        for (NamedCsvRecord r : CsvReader.builder().ofNamedCsvRecord(csv)) {
            LocalDate day = LocalDate.parse(r.getField("Day"));
            String id = r.getField(kind + " ID");
            if (id.isEmpty() || day.isBefore(start) || day.isAfter(end)) {
                continue;
            }
            Sum s = sums.computeIfAbsent(id, k -> new Sum(new String[1], new long[4],
                    new BigDecimal[] {BigDecimal.ZERO}));
            s.name[0] = r.getField(kind + " Name");
            String[] columns = {"Delivered", "Unique Opens", "Unique Clicks", "Placed Order"};
            for (int i = 0; i < columns.length; i++) {
                String cell = r.getField(columns[i]);
                s.counts[i] += cell.isEmpty() ? 0 : new BigDecimal(cell).setScale(0, RoundingMode.HALF_UP).longValueExact();
            }
            if (!r.getField("Revenue").isEmpty()) {
                s.revenue[0] = s.revenue[0].add(new BigDecimal(r.getField("Revenue")));
            }
        }
        return sums.entrySet().stream()
                .sorted(Comparator.<Map.Entry<String, Sum>, BigDecimal>comparing(
                                e -> e.getValue().revenue[0].setScale(2, RoundingMode.HALF_UP)).reversed()
                        .thenComparing(Comparator.<Map.Entry<String, Sum>>comparingLong(e -> e.getValue().counts[0])
                                .reversed())
                        .thenComparing(Map.Entry::getKey))
                .limit(10)
                .map(e -> String.join("|", e.getKey(), e.getValue().name[0].isEmpty() ? e.getKey() : e.getValue().name[0],
                        Long.toString(e.getValue().counts[0]), Long.toString(e.getValue().counts[1]),
                        Long.toString(e.getValue().counts[2]), Long.toString(e.getValue().counts[3]),
                        e.getValue().revenue[0].setScale(2, RoundingMode.HALF_UP).toPlainString()))
                .toList();
    }

    private static List<String> items(JsonNode top) {
        List<String> out = new ArrayList<>();
        top.get("items").forEach(i -> out.add(String.join("|", i.get("id").asText(), i.get("name").asText(),
                i.get("delivered").asText(), i.get("opens").asText(), i.get("clicks").asText(),
                i.get("orders").asText(), i.get("revenue").decimalValue().toPlainString())));
        return out;
    }

    /** The dashboard's top lists over {@code start..end} equal the sums of {@code snapshotId}'s CSVs. */
    private static void assertTopsFromCsv(JsonNode d, long snapshotId, LocalDate start, LocalDate end)
            throws Exception {
        List<String> flows = fromCsv(csv(snapshotId, Upload.FLOWS), "Flow", start, end);
        List<String> campaigns = fromCsv(csv(snapshotId, Upload.CAMPAIGNS), "Campaign", start, end);
        assertThat(flows).as("the sandbox's flows sent mail in the range").isNotEmpty();
        assertThat(d.get("topFlows").get("source").asText()).isEqualTo("snapshot");
        assertThat(items(d.get("topFlows"))).isEqualTo(flows);
        assertThat(items(d.get("topCampaigns"))).isEqualTo(campaigns);
    }

    private static void deleteCsvs(long snapshotId) throws Exception {
        String uploadId = jdbi().withHandle(h -> h.createQuery("select upload_id from snapshots where id = :id")
                .bind("id", snapshotId).mapTo(String.class).one());
        Upload upload = rig.ksync().snapshots().upload(new dev.ksync.store.UploadId(uploadId)).orElseThrow();
        for (String file : List.of(Upload.FLOWS, Upload.CAMPAIGNS)) {
            assertThat(rig.ksync().objectStore().delete(upload.bucket(), upload.key(file))).isTrue();
        }
    }

    /** As V8 found a snapshot made ready before it: no stored sums, no stored currency. */
    private static void makePreV8(long snapshotId) {
        jdbi().useHandle(h -> {
            h.execute("delete from snapshot_tops where snapshot_id = ?", snapshotId);
            h.execute("update snapshots set tops_stored = false where id = ?", snapshotId);
            h.execute("update uploads set currency = null where id = (select upload_id from snapshots where id = ?)",
                    snapshotId);
        });
    }

    private static boolean topsStored(long snapshotId) {
        return jdbi().withHandle(h -> h.createQuery("select tops_stored and exists (select 1 from snapshot_tops"
                        + " where snapshot_id = :id) from snapshots where id = :id")
                .bind("id", snapshotId).mapTo(Boolean.class).one());
    }

    @Test
    void top_lists_equal_the_csv_sums_and_stay_when_the_csvs_are_gone() throws Exception {
        long s = update("gone").get("snapshotId").asLong();
        List<LocalDate> days = days(s);
        LocalDate first = days.getFirst(), last = days.getLast();
        JsonNode whole = dashboard("gone", first, last);
        assertTopsFromCsv(whole, s, first, last);
        JsonNode week = dashboard("gone", last.minusDays(6), last);
        assertTopsFromCsv(week, s, last.minusDays(6), last);
        assertThat(topsStored(s)).isTrue();

        // the dashboard reads no CSV: with them gone it answers the same top lists
        deleteCsvs(s);
        assertThat(dashboard("gone", first, last).get("topFlows")).isEqualTo(whole.get("topFlows"));
        assertThat(dashboard("gone", first, last).get("topCampaigns")).isEqualTo(whole.get("topCampaigns"));
        assertThat(dashboard("gone", last.minusDays(6), last).get("topFlows")).isEqualTo(week.get("topFlows"));
    }

    @Test
    void the_currency_is_the_klaviyo_accounts_read_by_the_updates_existing_account_calls() throws Exception {
        rig.sandbox().resetStats();
        update("euro");
        // the producers' account calls (flows and campaigns read the timezone): none added for the currency
        assertThat(rig.sandbox().stats().get(TestRig.SANDBOX_KEY).get("get_accounts").requests()).isEqualTo(2);
        LocalDate today = LocalDate.now();
        JsonNode d = dashboard("euro", today.minusDays(30), today.minusDays(1));
        assertThat(d.get("currency").asText()).isEqualTo("EUR");
        assertThat(d.get("currencySource").asText()).isEqualTo("account");
    }

    @Test
    void a_snapshot_made_ready_before_v8_gets_its_sums_once_and_the_backfill_or_usd_currency() throws Exception {
        long s = update("legacy").get("snapshotId").asLong();
        List<LocalDate> days = days(s);
        LocalDate first = days.getFirst(), last = days.getLast();
        makePreV8(s);
        assertThat(topsStored(s)).isFalse();

        JsonNode d = dashboard("legacy", first, last);
        assertTopsFromCsv(d, s, first, last);
        assertThat(topsStored(s)).as("computed from the CSVs once, then stored").isTrue();
        assertThat(d.get("currency").asText()).isEqualTo("USD");
        assertThat(d.get("currencySource").asText()).isEqualTo("default");

        deleteCsvs(s);
        assertThat(dashboard("legacy", first, last).get("topFlows")).isEqualTo(d.get("topFlows"));

        jdbi().useHandle(h -> h.execute("insert into backfill_status (account_id, status, years, include_orders,"
                + " test_mode, timezone, first_day, last_day, days_total, currency, started_at, updated_at) values"
                + " ('legacy', 'completed', 1, true, false, 'UTC', ?, ?, 365, 'GBP', now(), now())", first, last));
        JsonNode withBackfill = dashboard("legacy", first, last);
        assertThat(withBackfill.get("currency").asText()).isEqualTo("GBP");
        assertThat(withBackfill.get("currencySource").asText()).isEqualTo("backfill");
        // the backfill has no daily statistics: the top lists still come from the snapshot's stored sums
        assertThat(withBackfill.get("topFlows")).isEqualTo(d.get("topFlows"));
    }

    @Test
    void a_patch_snapshot_carries_its_bases_sums_outside_its_window_even_from_a_pre_v8_base() throws Exception {
        long base = update("nightly").get("snapshotId").asLong();
        List<LocalDate> days = days(base);
        LocalDate first = days.getFirst(), last = days.getLast();
        makePreV8(base);

        JsonNode patch = update("nightly");
        long patched = patch.get("snapshotId").asLong();
        assertThat(patch.get("patch").get("basedOn").asLong()).isEqualTo(base);
        LocalDate windowStart = LocalDate.parse(patch.get("patch").get("start").asText());
        assertThat(topsStored(base)).as("the pre-V8 base got its sums once, to be copied").isTrue();
        assertThat(topsStored(patched)).isTrue();

        // before the window: the base's days (the patch's own files hold none of them)
        assertTopsFromCsv(dashboard("nightly", first, windowStart.minusDays(1)), base, first, windowStart.minusDays(1));
        // inside it: the patch's own files
        LocalDate windowEnd = LocalDate.parse(patch.get("patch").get("end").asText());
        if (!days(patched).isEmpty() && !windowStart.isAfter(last)) {
            assertTopsFromCsv(dashboard("nightly", windowStart, windowEnd), patched, windowStart, windowEnd);
        }

        // a patch of that patch (its base stored when it was made ready) still carries the first snapshot's days
        long third = update("nightly").get("snapshotId").asLong();
        assertThat(third).isNotEqualTo(patched);
        assertTopsFromCsv(dashboard("nightly", first, windowStart.minusDays(1)), base, first, windowStart.minusDays(1));
    }
}
