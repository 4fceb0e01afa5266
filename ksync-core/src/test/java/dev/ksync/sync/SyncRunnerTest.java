package dev.ksync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ksync.accounts.AccountId;
import dev.ksync.accounts.KlaviyoAccess;
import dev.ksync.config.AppConfig;
import dev.ksync.config.Secret;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.klaviyo.budget.ManualClock;
import dev.ksync.store.FileSystemObjectStore;
import dev.ksync.store.UploadId;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner around any job: dry-run and live, key layout, create-only writes, parts, caps, deadline, errors. */
class SyncRunnerTest {
    static final String BUCKET = "test-bucket";

    @TempDir
    Path root;

    ManualClock clock = new ManualClock(Instant.parse("2025-09-17T01:00:00Z"));
    KlaviyoAccess klaviyo;
    SyncRunner runner;

    /** A request: the fields every sync has, plus what rows the test job writes. */
    record Req(Mode mode, Optional<AccountId> accountId, Optional<UploadId> uploadId, boolean overwrite,
               BiConsumer<SyncContext, RowSink> rows) implements SyncRequest {
        @Override
        public Optional<Secret> klaviyoApiKey() {
            return Optional.empty();
        }

        static Req dryRun(BiConsumer<SyncContext, RowSink> rows) {
            return new Req(Mode.DRY_RUN, Optional.empty(), Optional.empty(), false, rows);
        }

        static Req live(String upload, boolean overwrite, BiConsumer<SyncContext, RowSink> rows) {
            return new Req(Mode.LIVE, Optional.of(new AccountId("acme")),
                    Optional.ofNullable(upload).map(UploadId::new), overwrite, rows);
        }
    }

    /** A job that writes what its request says. */
    static final class TestJob implements SyncJob<Req, String> {
        @Override
        public String name() {
            return "test";
        }

        @Override
        public String fileName() {
            return "things.csv";
        }

        @Override
        public List<String> header(Req request) {
            return List.of("id", "name");
        }

        @Override
        public String run(Req request, SyncContext context, RowSink rows) {
            request.rows().accept(context, rows);
            return "done";
        }
    }

    final TestJob job = new TestJob();

    @BeforeEach
    void start() {
        klaviyo = new KlaviyoAccess(AppConfig.load(Map.of()).klaviyo(), id -> Optional.empty(), clock);
        runner = new SyncRunner(klaviyo, new FileSystemObjectStore(root), clock);
    }

    @AfterEach
    void stop() {
        klaviyo.close();
    }

    static BiConsumer<SyncContext, RowSink> rows(String... ids) {
        return (c, sink) -> Stream.of(ids).forEach(id -> sink.row(List.of(id, "n" + id)));
    }

    String export(Req req, SyncReport<?>[] report) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        report[0] = runner.export(job, req, out, SyncRunner.Options.NONE);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void a_dry_run_streams_header_and_rows_and_reports_them() {
        SyncReport<?>[] r = new SyncReport<?>[1];
        assertThat(export(Req.dryRun(rows("1", "2")), r)).isEqualTo("id,name\r\n1,n1\r\n2,n2\r\n");
        assertThat(r[0].rows()).isEqualTo(2);
        assertThat(r[0].csvPreview()).containsExactly("id,name", "1,n1", "2,n2");
        assertThat(r[0].stored()).isEmpty();
        assertThat(r[0].klaviyoCalls()).as("the job never asked for a client").isEmpty();
        assertThat(r[0].details()).isEqualTo("done");
        assertThat(r[0].job()).isEqualTo("test");
    }

    @Test
    void parts_are_written_in_part_order_after_the_direct_rows_whatever_order_rows_arrive_in() throws Exception {
        List<String> before = spools(); // the temp folder is shared: other processes' spools are not ours to judge
        SyncReport<?>[] r = new SyncReport<?>[1];
        String csv = export(Req.dryRun((c, sink) -> {
            sink.part(2).row(List.of("c1", "x"));
            sink.part(0).row(List.of("a1", "x"));
            sink.row(List.of("direct", "x"));
            sink.part(2).row(List.of("c2", "x"));
            sink.part(1).row(List.of("b1", "x"));
            sink.part(0).row(List.of("a2", "x"));
        }), r);
        assertThat(csv).isEqualTo("id,name\r\ndirect,x\r\na1,x\r\na2,x\r\nb1,x\r\nc1,x\r\nc2,x\r\n");
        assertThat(r[0].rows()).isEqualTo(6);
        assertThat(r[0].csvPreview()).containsExactly("id,name", "direct,x", "a1,x", "a2,x", "b1,x", "c1,x", "c2,x");
        assertThat(spools()).as("part spools are deleted").isSubsetOf(before);
    }

    @Test
    void spools_left_by_a_killed_process_are_swept_once_stale() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Path old = Files.createTempFile(tmp, CsvRows.SPOOL_PREFIX, ".part");
        Path fresh = Files.createTempFile(tmp, CsvRows.SPOOL_PREFIX, ".part");
        Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.from(Instant.now().minusSeconds(7200)));
        try {
            SyncRunner.sweepSpools(Instant.now().minusSeconds(3600));
            assertThat(old).doesNotExist();
            assertThat(fresh).exists();
        } finally {
            Files.deleteIfExists(old);
            Files.deleteIfExists(fresh);
        }
    }

    private static List<String> spools() throws java.io.IOException {
        try (Stream<Path> temp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return temp.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(CsvRows.SPOOL_PREFIX)).toList();
        }
    }

    @Test
    void the_preview_is_the_header_and_ten_rows_in_file_order() {
        SyncReport<?>[] r = new SyncReport<?>[1];
        export(Req.dryRun((c, sink) -> {
            for (int i = 0; i < 30; i++) {
                sink.part(2 - i % 3).row(List.of("p" + (2 - i % 3) + "-" + i, ""));
            }
        }), r);
        assertThat(r[0].csvPreview()).hasSize(SyncRunner.PREVIEW_LINES).startsWith("id,name", "p0-2,", "p0-5,");
    }

    @Test
    void live_stores_under_account_upload_and_file_with_the_clock_as_default_upload() throws Exception {
        SyncReport<String> r = runner.live(job, Req.live(null, false, rows("1")), BUCKET, SyncRunner.Options.NONE);
        assertThat(r.stored().orElseThrow().key()).isEqualTo("acme/2025-09-17T01-00-00Z/things.csv");
        assertThat(Files.readString(root.resolve(BUCKET).resolve("acme/2025-09-17T01-00-00Z/things.csv")))
                .isEqualTo("id,name\r\n1,n1\r\n");
        assertThat(r.csvPreview()).containsExactly("id,name", "1,n1");
    }

    @Test
    void live_over_the_same_bytes_is_idempotent_and_over_other_bytes_is_409_object_exists() throws Exception {
        var first = runner.live(job, Req.live("u1", false, rows("1")), BUCKET, SyncRunner.Options.NONE);
        var again = runner.live(job, Req.live("u1", false, rows("1")), BUCKET, SyncRunner.Options.NONE);
        assertThat(again.stored()).isEqualTo(first.stored());
        assertThatThrownBy(() -> runner.live(job, Req.live("u1", false, rows("2")), BUCKET, SyncRunner.Options.NONE))
                .isInstanceOfSatisfying(KsyncException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT);
                    assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT);
                    assertThat(e.code()).isEqualTo("object_exists");
                    assertThat(e.getMessage()).contains("overwrite");
                    assertThat(e.details()).containsEntry("key", "acme/u1/things.csv")
                            .containsEntry("existingSha256", first.stored().orElseThrow().sha256());
                });
        Path file = root.resolve(BUCKET).resolve("acme/u1/things.csv");
        assertThat(Files.readString(file)).isEqualTo("id,name\r\n1,n1\r\n");
        var replaced = runner.live(job, Req.live("u1", true, rows("2")), BUCKET, SyncRunner.Options.NONE);
        assertThat(Files.readString(file)).isEqualTo("id,name\r\n2,n2\r\n");
        assertThat(replaced.stored().orElseThrow().sha256()).isNotEqualTo(first.stored().orElseThrow().sha256());
    }

    @Test
    void a_storage_failure_is_502_storage_failed_naming_bucket_and_key() throws Exception {
        Path file = Files.createFile(root.resolve("not-a-folder"));
        SyncRunner broken = new SyncRunner(klaviyo, new FileSystemObjectStore(file), clock);
        assertThatThrownBy(() -> broken.live(job, Req.live("u1", false, rows("1")), BUCKET, SyncRunner.Options.NONE))
                .isInstanceOfSatisfying(KsyncException.class, e -> {
                    assertThat(e.code()).isEqualTo("storage_failed");
                    assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM);
                    assertThat(e.details()).containsEntry("bucket", BUCKET).containsEntry("key", "acme/u1/things.csv");
                });
    }

    @Test
    void a_run_past_its_deadline_is_504_and_stores_nothing() {
        SyncRunner.Options options = SyncRunner.Options.NONE.deadline(clock.instant().plusSeconds(60));
        Req slow = Req.live("late", false, (c, sink) -> {
            sink.row(List.of("1", ""));
            clock.advance(Duration.ofSeconds(61));
            sink.row(List.of("2", ""));
        });
        assertThatThrownBy(() -> runner.live(job, slow, BUCKET, options))
                .isInstanceOfSatisfying(KsyncException.class, e -> {
                    assertThat(e.code()).isEqualTo("deadline_exceeded");
                    assertThat(e.kind()).isEqualTo(ErrorKind.DEADLINE);
                });
        assertThat(Files.exists(root.resolve(BUCKET).resolve("acme/late/things.csv"))).isFalse();
    }

    @Test
    void caps_plans_progress_and_duration_are_reported() {
        List<Long> progress = new ArrayList<>();
        Req req = Req.dryRun((c, sink) -> {
            c.progress(1);
            c.plan("reading", "one-pass", "cheaper");
            c.cap("maxPages", "stopped after 1 page");
            clock.advance(Duration.ofMillis(1500));
        });
        SyncReport<String> r = runner.export(job, req, new ByteArrayOutputStream(),
                SyncRunner.Options.progress(progress::add));
        assertThat(progress).containsExactly(1L);
        assertThat(r.plans()).containsExactly(new PlanChoice("reading", "one-pass", "cheaper"));
        assertThat(r.caps()).containsExactly(new Cap("maxPages", "stopped after 1 page"));
        assertThat(r.duration()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void a_job_that_needs_klaviyo_without_a_key_is_a_400_naming_klaviyo_api_key() {
        Req req = Req.dryRun((c, sink) -> c.klaviyo());
        assertThatThrownBy(() -> runner.export(job, req, new ByteArrayOutputStream(), SyncRunner.Options.NONE))
                .isInstanceOfSatisfying(KsyncException.class,
                        e -> assertThat(e.details()).containsEntry("field", "klaviyoApiKey"));
    }
}
