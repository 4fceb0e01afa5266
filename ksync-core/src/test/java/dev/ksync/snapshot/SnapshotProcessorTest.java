package dev.ksync.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.NamedCsvRecord;
import dev.ksync.accounts.AccountId;
import dev.ksync.db.SessionLock;
import dev.ksync.db.TestPostgres;
import dev.ksync.error.KsyncException;
import dev.ksync.reporting.ReportWindow;
import dev.ksync.store.FileSystemObjectStore;
import dev.ksync.store.ObjectStore;
import dev.ksync.store.UploadId;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class SnapshotProcessorTest {
    @RegisterExtension
    static final TestPostgres pg = new TestPostgres();
    static final String BUCKET = "data-ingest";
    static final ZoneId ZONE = ZoneId.of("America/New_York");

    // flows.csv carries only rates for unsubscribes, complaints and bounces: counts are round(rate × delivered), and
    // a bounce rate is of recipients (delivered + bounced): 7 delivered at 0.3 are 3 bounced of 10
    static final String FLOWS = """
            Day,Flow ID,Flow Name,Flow Message ID,Flow Message Name,Flow Message Channel,Status,Delivered,Unique Opens,Open Rate,Unique Clicks,Click Rate,Placed Order,Placed Order Rate,Revenue,Revenue per Recipient,Unsub Rate,Complaint Rate,Bounce Rate,Tags\r
            2025-09-01,F1,Welcome,M1,Hi,email,live,100,40,0.4,10,0.1,3,0.03,120.50,1.205,0.015,0.004,0.026,\r
            2025-09-01,F2,Cart,M2,Back,email,live,7,7,1,1,0.142857,0,0,0.00,0,0.142857,0,0.3,\r
            2025-09-02,F1,Welcome,M1,Hi,email,live,50,10,0.2,5,0.1,1,0.02,30.25,0.605,0.03,0.01,0.05,\r
            2025-09-04,F1,Welcome,M1,Hi,email,live,0,0,,0,,0,,0.00,,,,,\r
            """;
    // campaigns.csv carries counts: they are taken as they are
    static final String CAMPAIGNS = """
            Day,Campaign ID,Campaign Name,Campaign Message ID,Subject,Channel,Status,Send Time,Audiences,Recipients,Delivered,Unique Opens,Open Rate,Unique Clicks,Click Rate,Placed Order,Placed Order Rate,Revenue,Revenue per Recipient,Unsubscribes,Unsub Rate,Spam Complaints,Complaint Rate,Bounces,Bounce Rate,Tags\r
            2025-09-02,C1,Sale,CM1,"Sale, today",email,Sent,2025-09-02T14:00:00Z,All,1010,1000,300,0.3,60,0.06,12,0.012,999.99,0.99999,4,0.004,1,0.001,10,0.0099,\r
            2025-09-03,C2,News,CM2,News,email,Sent,2025-09-03T14:00:00Z,All,505,500,100,0.2,20,0.04,2,0.004,50.00,0.1,3,0.006,0,0,5,0.0099,\r
            """;
    // 03:30Z on the 2nd is still the 1st in New York
    static final String SUBSCRIBERS = """
            Email,Klaviyo ID,First Name,Last Name,Email Marketing Consent,Profile Created On\r
            a@x.io,P1,,,SUBSCRIBED,2024-12-31T12:00:00Z\r
            b@x.io,P2,,,SUBSCRIBED,2025-09-02T03:30:00Z\r
            c@x.io,P3,,,SUBSCRIBED,2025-09-02T15:00:00Z\r
            d@x.io,P4,,,NEVER_SUBSCRIBED,2025-09-03T15:00:00Z\r
            """;

    @TempDir
    Path dir;
    ObjectStore store;
    Snapshots snapshots;
    SnapshotProcessor processor;

    @BeforeEach
    void setUp() {
        store = new FileSystemObjectStore(dir);
        Clock clock = Clock.fixed(Instant.parse("2025-09-05T08:00:00Z"), ZoneOffset.UTC);
        snapshots = new Snapshots(pg.database().jdbi(), clock);
        processor = new SnapshotProcessor(snapshots, store, clock);
    }

    @Test
    void series_and_totals_equal_the_sums_of_the_three_csvs_with_weighted_rates() throws Exception {
        Snapshot s = snapshotOf(upload("u-full", FLOWS, CAMPAIGNS, SUBSCRIBERS));
        Snapshot done = processor.process(s.id());

        assertThat(done.status()).isEqualTo(Snapshot.Status.READY);
        assertThat(done.lastEmailDate()).contains(LocalDate.parse("2025-09-03"));
        List<SeriesRow> series = snapshots.series(s.id());
        Map<LocalDate, Counts> flows = sums(FLOWS), campaigns = sums(CAMPAIGNS);
        assertThat(rows(series, Source.FLOWS)).isEqualTo(flows);
        assertThat(rows(series, Source.CAMPAIGNS)).isEqualTo(campaigns);
        TreeMap<LocalDate, Counts> all = new TreeMap<>(flows);
        campaigns.forEach((d, c) -> all.merge(d, c, Counts::plus));
        all.putIfAbsent(LocalDate.parse("2024-12-31"), Counts.ZERO);
        assertThat(rows(series, Source.ALL)).isEqualTo(all);
        // the rate-only cells: 100 × 0.015 = 1.5 → 2, 7 × 0.142857 = 1, 50 × 0.03 = 1.5 → 2
        assertThat(flows.get(LocalDate.parse("2025-09-01")).unsubscribes()).isEqualTo(3);
        // 100 × 0.026 / 0.974 = 2.67 → 3, 7 × 0.3 / 0.7 = 3 (rate × delivered would give 3 + 2)
        assertThat(flows.get(LocalDate.parse("2025-09-01")).bounces()).isEqualTo(6);

        Map<LocalDate, Long[]> subs = new TreeMap<>();
        series.stream().filter(r -> r.source() == Source.ALL).forEach(r -> subs.put(r.day(),
                new Long[] {r.newSubscribers().orElseThrow(), r.subscribersTotal().orElseThrow()}));
        assertThat(subs).containsEntry(LocalDate.parse("2024-12-31"), new Long[] {1L, 1L})
                .containsEntry(LocalDate.parse("2025-09-01"), new Long[] {1L, 2L})
                .containsEntry(LocalDate.parse("2025-09-02"), new Long[] {1L, 3L})
                .containsEntry(LocalDate.parse("2025-09-03"), new Long[] {1L, 4L})
                .containsEntry(LocalDate.parse("2025-09-04"), new Long[] {0L, 4L});

        Totals t = totals(s.id(), Source.ALL);
        Counts sum = all.values().stream().reduce(Counts.ZERO, Counts::plus);
        assertThat(t.counts()).isEqualTo(sum);
        assertThat(t.days()).isEqualTo(all.size());
        assertThat(t.newSubscribers()).contains(4L);
        assertThat(t.subscribersTotal()).contains(4L);
        // weighted: sum of opens / sum of delivered, not the mean of the daily rates
        assertThat(t.openRate()).contains(ratio(sum.uniqueOpens(), sum.delivered()));
        // Klaviyo's bounce rate: of recipients, as the CSVs' column
        assertThat(t.bounceRate()).contains(ratio(sum.bounces(), sum.delivered() + sum.bounces()));
        assertThat(t.revenuePerRecipient()).contains(sum.revenue().divide(BigDecimal.valueOf(sum.delivered()), 2,
                RoundingMode.HALF_UP));
        Totals f = totals(s.id(), Source.FLOWS);
        assertThat(f.openRate()).contains(new BigDecimal("0.363057")); // 57 / 157
        assertThat(f.newSubscribers()).isEmpty();
    }

    @Test
    void a_patch_replaces_only_its_window_and_twice_leaves_identical_rows() throws Exception {
        Snapshot s = snapshotOf(upload("u-patch", FLOWS, CAMPAIGNS, SUBSCRIBERS));
        processor.process(s.id());
        List<SeriesRow> before = snapshots.series(s.id());
        // the upload's files change: day 2 of flows doubles, day 1 vanishes
        String revised = FLOWS.lines().filter(l -> !l.startsWith("2025-09-01")).map(l -> l.startsWith("2025-09-02")
                ? l.replace(",50,10,0.2,5,", ",100,20,0.2,10,") : l).reduce("", (a, b) -> a + b + "\n");
        store.put(BUCKET, "u-patch/flows.csv", new ByteArrayInputStream(revised.getBytes(StandardCharsets.UTF_8)));

        processor.patch(s.id(), LocalDate.parse("2025-09-02"), LocalDate.parse("2025-09-03"));
        List<SeriesRow> once = snapshots.series(s.id());
        List<Totals> totalsOnce = snapshots.totals(s.id());
        processor.patch(s.id(), LocalDate.parse("2025-09-02"), LocalDate.parse("2025-09-03"));

        assertThat(snapshots.series(s.id())).isEqualTo(once);
        assertThat(snapshots.totals(s.id())).isEqualTo(totalsOnce);
        Map<LocalDate, Counts> flows = rows(once, Source.FLOWS);
        assertThat(flows.get(LocalDate.parse("2025-09-01"))).isEqualTo(rows(before, Source.FLOWS)
                .get(LocalDate.parse("2025-09-01"))); // outside the window: kept though gone from the file
        assertThat(flows.get(LocalDate.parse("2025-09-02")).delivered()).isEqualTo(100);
        assertThat(totals(s.id(), Source.FLOWS).counts().delivered()).isEqualTo(107 + 100);
    }

    @Test
    void a_missing_csv_fails_the_snapshot_with_the_error_and_no_rows() throws Exception {
        Upload u = snapshots.createUpload(new AccountId("other"), new UploadId("u-missing"), BUCKET, ZONE);
        put("u-missing/flows.csv", FLOWS);
        put("u-missing/subscribers.csv", SUBSCRIBERS);
        Snapshot s = snapshots.create(u, Optional.empty(), Optional.empty(), Optional.empty());

        assertThatThrownBy(() -> processor.process(s.id())).isInstanceOf(KsyncException.class)
                .extracting(e -> ((KsyncException) e).code()).isEqualTo("snapshot_csv_missing");
        Snapshot failed = snapshots.get(s.id());
        assertThat(failed.status()).isEqualTo(Snapshot.Status.FAILED);
        assertThat(failed.error()).hasValueSatisfying(e -> assertThat(e).contains("campaigns.csv"));
        assertThat(snapshots.series(s.id())).isEmpty();
        assertThat(snapshots.newestReady(new AccountId("other"))).isEmpty();
    }

    @Test
    void a_patch_snapshot_copies_its_base_and_replaces_its_window_from_its_own_upload() throws Exception {
        Snapshot base = snapshotOf(upload("u-base", FLOWS, CAMPAIGNS, SUBSCRIBERS));
        processor.process(base.id());
        String window = FLOWS.lines().filter(l -> !l.startsWith("2025-09-01")).reduce("", (a, b) -> a + b + "\r\n");
        Upload u = upload("u-next", window, CAMPAIGNS.lines().limit(1).reduce("", (a, b) -> a + b + "\r\n"),
                SUBSCRIBERS);
        Snapshot next = patchOf(base, u);

        processor.process(next.id());

        Map<LocalDate, Counts> campaigns = rows(snapshots.series(next.id()), Source.CAMPAIGNS);
        assertThat(campaigns).containsOnlyKeys(LocalDate.parse("2025-09-02")); // day 3 was patched to nothing
        assertThat(rows(snapshots.series(next.id()), Source.FLOWS))
                .isEqualTo(rows(snapshots.series(base.id()), Source.FLOWS));
        // its days: the base's and its own window, one range per source however many patches a chain has
        Snapshot third = patchOf(next, upload("u-third", window, CAMPAIGNS, SUBSCRIBERS));
        processor.process(third.id());
        for (Snapshot s : List.of(next, third)) {
            assertThat(coverage(s.id())).containsExactly("campaigns 2025-09-01..2025-09-04", "flows 2025-09-01..2025-09-04");
        }
    }

    private List<String> coverage(long snapshot) {
        return pg.database().jdbi().withHandle(h -> h.createQuery("select source || ' ' || first_day || '..' || last_day"
                + " from snapshot_coverage where snapshot_id = :id order by 1").bind("id", snapshot).mapTo(String.class).list());
    }

    @Test
    void a_patch_outside_the_days_its_upload_holds_is_refused_naming_them_and_deletes_nothing() throws Exception {
        Snapshot base = snapshotOf(upload("u-base2", FLOWS, CAMPAIGNS, SUBSCRIBERS));
        processor.process(base.id());
        Snapshot next = patchOf(base, upload("u-next2", only(FLOWS, "2025-09-03", "2025-09-04"),
                only(CAMPAIGNS, "2025-09-03", "2025-09-04"), SUBSCRIBERS));
        processor.process(next.id());
        List<SeriesRow> before = snapshots.series(next.id());
        List<Totals> totalsBefore = snapshots.totals(next.id());

        // 09-02 is the base's day: the patch upload holds only 09-03..09-04 (its campaign of 09-02 is not its own)
        assertThatThrownBy(() -> processor.patch(next.id(), LocalDate.parse("2025-09-02"), LocalDate.parse("2025-09-04")))
                .isInstanceOfSatisfying(KsyncException.class, e -> {
                    assertThat(e.code()).isEqualTo("patch_outside_upload");
                    assertThat(e.kind()).isEqualTo(dev.ksync.error.ErrorKind.UNPROCESSABLE);
                    assertThat(e.details()).containsEntry("field", "start").containsEntry("value", "2025-09-02")
                            .containsEntry("allowedStart", "2025-09-03").containsEntry("allowedEnd", "2025-09-04");
                    assertThat(e.getMessage()).contains("2025-09-03..2025-09-04");
                });
        assertThatThrownBy(() -> processor.patch(next.id(), LocalDate.parse("2025-09-03"), LocalDate.parse("2025-09-05")))
                .isInstanceOfSatisfying(KsyncException.class, e -> assertThat(e.details()).containsEntry("field", "end"));

        assertThat(snapshots.series(next.id())).isEqualTo(before);
        assertThat(snapshots.totals(next.id())).isEqualTo(totalsBefore);
        assertThat(snapshots.get(next.id()).status()).isEqualTo(Snapshot.Status.READY);
        // inside the upload's days a patch behaves as before: twice leaves the same rows
        processor.patch(next.id(), LocalDate.parse("2025-09-03"), LocalDate.parse("2025-09-04"));
        processor.patch(next.id(), LocalDate.parse("2025-09-03"), LocalDate.parse("2025-09-04"));
        assertThat(snapshots.series(next.id())).isEqualTo(before);
        assertThat(snapshots.totals(next.id())).isEqualTo(totalsBefore);
    }

    /** The header and the rows of the days given. */
    private static String only(String csv, String... days) {
        return csv.lines().filter(l -> l.startsWith("Day,") || List.of(days).stream().anyMatch(l::startsWith))
                .reduce("", (a, b) -> a + b + "\r\n");
    }

    /** An upload as the update makes it: its files, and the days its flows and campaigns were asked for. */
    @Test
    void a_process_waits_for_the_run_that_marks_the_snapshot_so_two_never_process_it_at_once() throws Exception {
        AccountId account = new AccountId("turns");
        Snapshot s = snapshotOf(upload(account, "u-turns", FLOWS, CAMPAIGNS, SUBSCRIBERS));
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            Future<Snapshot> second;
            try (SessionLock first = snapshots.mark(s.id())) { // another run making or processing it
                second = thread.submit(() -> processor.process(s.id()));
                while (!waitingForAnAdvisoryLock()) {
                    if (second.isDone()) {
                        throw new AssertionError("the second process did not wait: " + second.get());
                    }
                    Thread.sleep(20);
                }
                assertThat(snapshots.list(account)).as("untouched while the first run lives").singleElement()
                        .extracting(Snapshot::status).isEqualTo(Snapshot.Status.CREATED);
            }
            assertThat(second.get(60, TimeUnit.SECONDS).status()).isEqualTo(Snapshot.Status.READY);
        } finally {
            thread.shutdownNow();
        }
    }

    @Test
    void a_processing_snapshot_lists_as_abandoned_once_its_runs_mark_is_gone() throws Exception {
        AccountId account = new AccountId("gone");
        Snapshot s = snapshotOf(upload(account, "u-gone", FLOWS, CAMPAIGNS, SUBSCRIBERS));
        try (SessionLock run = snapshots.mark(s.id())) {
            snapshots.markProcessing(s.id());
            assertThat(snapshots.list(account)).singleElement().extracting(Snapshot::status)
                    .isEqualTo(Snapshot.Status.PROCESSING);
        }
        assertThat(snapshots.list(account)).singleElement().satisfies(l -> {
            assertThat(l.status()).isEqualTo(Snapshot.Status.FAILED);
            assertThat(l.error()).contains(Snapshots.ABANDONED_PROCESSING);
        });
    }

    private static boolean waitingForAnAdvisoryLock() {
        return pg.database().jdbi().withHandle(h -> h.createQuery("select exists (select 1 from pg_locks"
                + " where locktype = 'advisory' and not granted)").mapTo(Boolean.class).one());
    }

    private Upload upload(String id, String flows, String campaigns, String subscribers) throws Exception {
        return upload(new AccountId("acme"), id, flows, campaigns, subscribers);
    }

    private Upload upload(AccountId account, String id, String flows, String campaigns, String subscribers)
            throws Exception {
        Upload u = snapshots.createUpload(account, new UploadId(id), BUCKET, ZONE);
        put(id + "/flows.csv", flows);
        put(id + "/campaigns.csv", campaigns);
        put(id + "/subscribers.csv", subscribers);
        ReportWindow days = new ReportWindow(LocalDate.parse("2025-09-01"), LocalDate.parse("2025-09-05"));
        snapshots.setDays(u.id(), days, days);
        return u;
    }

    /** A nightly's patch snapshot of 09-03..09-04 on {@code base}: its upload was asked for those days only. */
    private Snapshot patchOf(Snapshot base, Upload u) {
        ReportWindow days = new ReportWindow(LocalDate.parse("2025-09-03"), LocalDate.parse("2025-09-05"));
        snapshots.setDays(u.id(), days, days);
        return snapshots.create(u, Optional.of(base.id()), Optional.of(days.first()), Optional.of(days.last()));
    }

    private Snapshot snapshotOf(Upload u) {
        return snapshots.create(u, Optional.empty(), Optional.empty(), Optional.empty());
    }

    private void put(String key, String body) throws Exception {
        store.put(BUCKET, key, new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    }

    private Totals totals(long id, Source source) {
        return snapshots.totals(id).stream().filter(t -> t.source() == source).findFirst().orElseThrow();
    }

    private static Map<LocalDate, Counts> rows(List<SeriesRow> series, Source source) {
        Map<LocalDate, Counts> m = new TreeMap<>();
        series.stream().filter(r -> r.source() == source).forEach(r -> m.put(r.day(), r.counts()));
        return m;
    }

    private static BigDecimal ratio(long a, long b) {
        return BigDecimal.valueOf(a).divide(BigDecimal.valueOf(b), 6, RoundingMode.HALF_UP);
    }

    /**
     * The test's own reading of a CSV: per day, counts where the file has them, else round(rate × delivered), for
     * bounces round(rate × recipients) with recipients = delivered / (1 − rate).
     */
    static Map<LocalDate, Counts> sums(String csv) {
        Map<LocalDate, Counts> m = new TreeMap<>();
        for (NamedCsvRecord r : CsvReader.builder().ofNamedCsvRecord(csv)) {
            long d = Long.parseLong(r.getField("Delivered"));
            Counts c = new Counts(d, n(r, "Unique Opens", "Open Rate", d), n(r, "Unique Clicks", "Click Rate", d),
                    n(r, "Placed Order", "Placed Order Rate", d), new BigDecimal(r.getField("Revenue")),
                    n(r, "Unsubscribes", "Unsub Rate", d), n(r, "Spam Complaints", "Complaint Rate", d),
                    n(r, "Bounces", "Bounce Rate", d));
            m.merge(LocalDate.parse(r.getField("Day")), c, Counts::plus);
        }
        return m;
    }

    private static long n(NamedCsvRecord r, String count, String rate, long delivered) {
        String c = r.findField(count).orElse("");
        if (!c.isEmpty()) {
            return Long.parseLong(c);
        }
        String x = r.findField(rate).orElse("");
        double base = rate.equals("Bounce Rate") && !x.isEmpty() ? delivered / (1 - Double.parseDouble(x)) : delivered;
        return x.isEmpty() ? 0 : Math.round(Double.parseDouble(x) * base);
    }
}
