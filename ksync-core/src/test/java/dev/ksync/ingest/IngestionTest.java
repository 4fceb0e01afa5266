package dev.ksync.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ksync.accounts.AccountId;
import dev.ksync.db.TestPostgres;
import dev.ksync.error.KsyncException;
import dev.ksync.klaviyo.http.RetryPolicy;
import dev.ksync.sandbox.FaultKind;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The runbook's workflow against the sandbox: windows, tables, the log, boundaries, faults and call counts. */
class IngestionTest {
    @RegisterExtension
    static final TestPostgres pg = new TestPostgres();
    static IngestSandbox s;

    @BeforeAll
    static void start() {
        pg.database().migrate();
        s = new IngestSandbox(pg.database());
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    private static IngestReport run(Ingestion ingestion, IngestMode mode, String account, DatasourceFile file) {
        return ingestion.run(new IngestRequest(mode, Optional.of(AccountId.of("accountId", account)),
                Optional.ofNullable(file), Set.of(), Optional.empty()));
    }

    /** Every table of the run holds exactly the sandbox's records of its window, each once. */
    private static void assertTablesMatchTruth(IngestReport report, DatasourceFile file, IngestMode mode) {
        for (Datasource d : file.forMode(mode)) {
            IngestReport.Result r = report.datasources().stream().filter(x -> x.table().equals(d.tableName())).findFirst().orElseThrow();
            List<String> ids = d.loadType() == LoadType.FULL ? s.latestSnapshot(report.schema(), d.tableName())
                    : s.ids(report.schema(), d.tableName());
            Set<String> truth = d.loadType() == LoadType.FULL ? s.truth(d.name(), "", null, null)
                    : s.truth(d.name(), d.loadType() == LoadType.EVENTS ? "datetime" : d.incrementalFieldConnector(),
                            RunbookTime.parse(d.defaultStartTime()), RunbookTime.parse(r.window().end()));
            assertThat(IngestSandbox.duplicates(ids)).as(d.tableName() + " duplicates").isEmpty();
            assertThat(IngestSandbox.distinct(ids)).as(d.tableName()).isEqualTo(truth);
            // (the sandbox's lists were all last updated before the inc default start: that table stays empty)
            if (!d.tableName().equals("klaviyo_lists")) assertThat(truth).as(d.tableName() + " has records").isNotEmpty();
        }
    }

    @Test
    void hist_then_inc_load_exactly_the_sandboxs_records_of_each_window_and_log_runbook_timestamps() {
        Ingestion ingestion = s.ingestion(3);
        DatasourceFile file = DatasourceFile.builtIn();
        IngestReport hist = run(ingestion, IngestMode.HIST, "acme", null);
        assertThat(hist.failed()).as(hist.toString()).isFalse();
        assertThat(hist.schema()).isEqualTo("klaviyo_acme");
        assertThat(hist.datasources()).extracting(IngestReport.Result::table).containsExactly("klaviyo_events_hist",
                "klaviyo_email_templates_hist", "klaviyo_campaigns_hist", "klaviyo_lists_hist", "klaviyo_profiles_hist");
        assertThat(hist.datasources()).allSatisfy(r -> {
            assertThat(r.window().start()).isEqualTo("2023-09-01T00:00:00.000000");
            assertThat(r.window().end()).isEqualTo("2025-10-20T12:00:00.000000");
        });
        assertTablesMatchTruth(hist, file, IngestMode.HIST);

        s.clock.advance(Duration.ofMinutes(5));
        IngestReport inc = run(ingestion, IngestMode.INC, "acme", null);
        assertThat(inc.failed()).as(inc.toString()).isFalse();
        assertTablesMatchTruth(inc, file, IngestMode.INC);
        assertThat(inc.datasources()).filteredOn(r -> r.name().equals("metrics")).singleElement()
                .satisfies(r -> assertThat(r.window().start()).isEmpty());

        // campaigns' tables keep the runbook's created_at / updated_at columns, typed, beside flattened attributes
        Map<String, String> cols = columns("klaviyo_acme", "klaviyo_campaigns");
        assertThat(cols).containsEntry("updated_at", "timestamp with time zone").containsEntry("id", "text")
                .containsEntry("record", "jsonb").containsEntry("time", "bigint")
                .containsEntry("name", "text").containsEntry("created_at", "timestamp with time zone");
        assertThat(columns("klaviyo_acme", "klaviyo_campaigns_hist")).containsEntry("created_at", "timestamp with time zone");
        assertThat(columns("klaviyo_acme", "klaviyo_events")).containsEntry("datetime", "timestamp with time zone");
        Long time = pg.database().jdbi().withHandle(h -> h.createQuery("select max(time) from klaviyo_acme.klaviyo_events")
                .mapTo(Long.class).one());
        assertThat(time).isEqualTo(Instant.parse("2025-10-20T12:05:00Z").getEpochSecond());

        // the record keeps its data (an event's profile and metric) but not Klaviyo's links, URLs made from the id
        Map<String, Object> events = pg.database().jdbi().withHandle(h -> h.createQuery("select count(*) as n,"
                        + " count(*) filter (where jsonb_exists(record, 'links') or exists (select"
                        + " from jsonb_each(record->'relationships') r where jsonb_exists(r.value, 'links'))) as with_links,"
                        + " count(record #>> '{relationships,profile,data,id}') as with_profile,"
                        + " count(record #>> '{relationships,metric,data,id}') as with_metric,"
                        + " count(record #> '{attributes,event_properties}') as with_properties"
                        + " from klaviyo_acme.klaviyo_events_hist").mapToMap().one());
        assertThat(events.get("n")).isEqualTo(s.ids("klaviyo_acme", "klaviyo_events_hist").size() * 1L);
        assertThat(events).containsEntry("with_links", 0L).containsEntry("with_metric", events.get("n"))
                .containsEntry("with_properties", events.get("n"));
        assertThat((Long) events.get("with_profile")).isPositive();

        List<IngestionLog.Entry> log = ingestion.log().recent("acme", 100);
        assertThat(log).hasSize(11).allSatisfy(e -> {
            assertThat(e.status()).isEqualTo("success");
            assertThat(e.windowEnd()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.000000");
            assertThat(e.workflow()).isEqualTo("klaviyo_ingest.dig");
            assertThat(e.source()).isEqualTo(e.table());
            assertThat(e.durationMs()).isNotNull();
        });
        assertThat(log).filteredOn(e -> e.table().equals("klaviyo_events")).singleElement().satisfies(e -> {
            // inc events start from the hist-independent inc table: empty before, so the runbook's default
            assertThat(e.windowStart()).isEqualTo("2025-09-01T00:00:00.000000");
            assertThat(e.windowEnd()).isEqualTo("2025-10-20T12:05:00.000000");
            assertThat(e.rows()).isEqualTo(s.ids("klaviyo_acme", "klaviyo_events").size());
        });
    }

    @Test
    void keeping_links_stores_each_record_as_klaviyo_sent_it() {
        Ingestion ingestion = s.ingestion(new Ingestion.Settings(Ingestion.Settings.DEFAULT_SCHEMA, 3, 500,
                Duration.ofDays(7), Duration.ZERO, true), null);
        IngestReport report = runOnly(ingestion, "linked", "events", "profiles");
        assertThat(report.failed()).as(report.toString()).isFalse();

        for (String table : List.of("klaviyo_events", "klaviyo_profiles")) {
            Map<String, Object> rows = pg.database().jdbi().withHandle(h -> h.createQuery("select count(*) as n,"
                    + " count(*) filter (where record #>> '{links,self}' like 'http%/' || id || '/') as linked"
                    + " from klaviyo_linked." + table).mapToMap().one());
            assertThat((Long) rows.get("n")).as(table).isPositive();
            assertThat(rows.get("linked")).as(table).isEqualTo(rows.get("n"));
        }
    }

    @Test
    void an_incremental_run_with_nothing_new_makes_one_call_per_listing_and_loads_metrics_in_full() {
        Ingestion ingestion = s.ingestion(3);
        run(ingestion, IngestMode.INC, "quiet", null);
        s.clock.advance(Duration.ofMinutes(1));
        s.sandbox.resetStats();
        IngestReport again = run(ingestion, IngestMode.INC, "quiet", null);
        assertThat(again.failed()).isFalse();
        assertThat(again.datasources()).filteredOn(r -> !r.name().equals("metrics"))
                .allSatisfy(r -> assertThat(r.rows()).as(r.name()).isZero());
        assertThat(again.datasources()).filteredOn(r -> r.name().equals("metrics")).singleElement()
                .satisfies(r -> assertThat(r.rows()).isEqualTo(s.data().metrics().size()));
        // campaigns: Klaviyo lists one channel per call (email, sms, mobile_push). Profiles: the records sharing the
        // window's start second are fetched again by design; the sandbox stamps 242 profiles' consent at its last
        // second, so that second alone fills ceil(n / 100) pages.
        long boundary = pg.database().jdbi().withHandle(h -> h.createQuery("select count(*) from klaviyo_quiet.klaviyo_profiles"
                + " where updated >= date_trunc('second', (select max(updated) from klaviyo_quiet.klaviyo_profiles))")
                .mapTo(Long.class).one());
        assertThat(boundary).isGreaterThan(100);
        assertThat(s.calls()).isEqualTo(new TreeMap<>(Map.of("get_events", 1L, "get_templates", 1L,
                "get_campaigns", 3L, "get_lists", 1L, "get_profiles", (boundary + 99) / 100, "get_metrics", 1L)));
    }

    @Test
    void records_sharing_the_boundary_timestamp_and_records_arriving_later_with_it_end_up_once() {
        Ingestion ingestion = s.ingestion(3);
        DatasourceFile file = DatasourceFile.builtIn();
        // The first run ends just after a second that several events share (a campaign send)
        Instant shared = sharedEventSecond();
        s.clock.advance(Duration.between(s.clock.instant(), shared.plusSeconds(1)));
        IngestReport first = run(ingestion, IngestMode.INC, "edge", null);
        assertThat(first.failed()).isFalse();
        String schema = first.schema();
        Instant max = maxField(schema, "klaviyo_events", "datetime");
        assertThat(max.truncatedTo(ChronoUnit.SECONDS)).isEqualTo(shared);
        // Records "arriving later" with that same timestamp: the table holds only one of those sharing it, as if
        // Klaviyo had shown the others after the first run read its window
        int late = keepOneAt(schema, "klaviyo_events", "datetime", max);
        assertThat(late).as("events sharing the boundary second").isPositive();
        int lateProfiles = keepOneAt(schema, "klaviyo_profiles", "updated", maxField(schema, "klaviyo_profiles", "updated"));

        s.clock.advance(Duration.between(s.clock.instant(), IngestSandbox.SANDBOX_NOW));
        IngestReport second = run(ingestion, IngestMode.INC, "edge", null);
        assertThat(second.failed()).isFalse();
        assertThat(second.datasources()).filteredOn(r -> r.name().equals("events")).singleElement()
                .satisfies(r -> assertThat(r.window().start()).isEqualTo(RunbookTime.format(shared)));
        assertTablesMatchTruth(second, file, IngestMode.INC);
        assertThat(lateProfiles).isNotNegative();
    }

    @Test
    void a_lookback_loads_events_klaviyo_listed_after_a_run_had_read_past_their_time() {
        DatasourceFile events = new DatasourceFile(List.of(), DatasourceFile.builtIn().inc().stream()
                .filter(d -> d.name().equals("events")).toList());
        Instant shared = sharedEventSecond();
        s.clock.advance(Duration.between(s.clock.instant(), shared.plusSeconds(1)));
        assertThat(run(s.ingestion(3), IngestMode.INC, "late", events).failed()).isFalse();
        String schema = s.ingestion(3).schemaOf("late");
        Instant max = maxField(schema, "klaviyo_events", "datetime").truncatedTo(ChronoUnit.SECONDS);
        // Events of the 50 minutes before the max "arrive late": Klaviyo lists them only after that run
        int late = pg.database().jdbi().withHandle(h -> h.createUpdate("delete from \"" + schema
                        + "\".klaviyo_events where datetime >= :s and datetime < :e")
                .bind("s", max.minus(Duration.ofMinutes(50)).atOffset(java.time.ZoneOffset.UTC))
                .bind("e", max.atOffset(java.time.ZoneOffset.UTC)).execute());
        assertThat(late).as("events in the 50 minutes before the max").isPositive();
        int held = s.ids(schema, "klaviyo_events").size();

        // The runbook's window starts at the max: they stay missing
        s.clock.advance(Duration.ofSeconds(1));
        IngestReport runbook = run(s.ingestion(3), IngestMode.INC, "late", events);
        assertThat(runbook.datasources().getFirst().window().start()).isEqualTo(RunbookTime.format(max));
        assertThat(s.ids(schema, "klaviyo_events")).hasSize(held);

        // An hour's lookback fetches them again and keeps every other record once
        s.clock.advance(Duration.ofSeconds(1));
        IngestReport lookback = run(s.ingestion(3, Duration.ofHours(1)), IngestMode.INC, "late", events);
        IngestReport.Result r = lookback.datasources().getFirst();
        assertThat(r.window().start()).isEqualTo(RunbookTime.format(max.minus(Duration.ofHours(1))));
        assertThat(r.rows()).isEqualTo(late);
        assertTablesMatchTruth(lookback, events, IngestMode.INC);
        s.clock.advance(Duration.between(s.clock.instant(), IngestSandbox.SANDBOX_NOW)); // where the other tests start
    }

    @Test
    void a_failing_datasource_leaves_the_others_loaded_logs_its_error_and_the_next_run_fills_it_in() {
        Ingestion ingestion = s.ingestion(1);
        DatasourceFile builtIn = DatasourceFile.builtIn();
        // templates first, so the injected faults (the sandbox's next answers) all hit its one listing call
        List<Datasource> inc = new ArrayList<>(builtIn.inc());
        Datasource templates = inc.remove(1);
        inc.addFirst(templates);
        DatasourceFile file = new DatasourceFile(List.of(), inc);
        s.sandbox.injectFaults(FaultKind.ERROR_500, 6);
        IngestReport broken = run(ingestion, IngestMode.INC, "faulty", file);
        s.sandbox.clearFaults();
        assertThat(broken.failed()).isTrue();
        assertThat(broken.datasources()).filteredOn(IngestReport.Result::failed).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo("templates");
            assertThat(r.error()).contains("500");
        });
        // its window was one transaction: not even the table it created is left
        String left = pg.database().jdbi().withHandle(h -> h.createQuery(
                "select to_regclass('klaviyo_faulty.klaviyo_email_templates')::text").mapTo(String.class).one());
        assertThat(left).isNull();
        assertThat(ingestion.log().recent("faulty", 10)).filteredOn(e -> e.status().equals("error")).singleElement()
                .satisfies(e -> assertThat(e.error()).contains("500"));
        for (IngestReport.Result r : broken.datasources()) {
            // (klaviyo_lists: the sandbox's lists were all updated before the inc default start)
            if (!r.failed() && !r.table().equals("klaviyo_lists")) {
                assertThat(s.ids("klaviyo_faulty", r.table())).as(r.table()).isNotEmpty();
            }
        }

        s.clock.advance(Duration.ofMinutes(1));
        IngestReport fixed = run(ingestion, IngestMode.INC, "faulty", file);
        assertThat(fixed.failed()).isFalse();
        assertTablesMatchTruth(fixed, file, IngestMode.INC);
    }

    @Test
    void datasources_klaviyo_keeps_throttling_carry_when_they_may_succeed_and_the_rounds_error_the_latest() {
        Ingestion ingestion = s.ingestion(1);
        Instant before = Instant.now();
        // one more 429 than the client waits out: the account's calls are paused, so datasources fail on it
        s.sandbox.injectFaults(FaultKind.THROTTLE_429, RetryPolicy.DEFAULT.maxThrottleRetries() + 1);
        IngestReport throttled;
        try {
            throttled = run(ingestion, IngestMode.INC, "throttled", null);
        } finally {
            s.sandbox.clearFaults();
        }
        assertThat(throttled.datasources()).filteredOn(IngestReport.Result::failed).isNotEmpty().allSatisfy(r -> assertThat(
                r.retryAt()).as(r.name() + ": when Klaviyo said it may succeed").isNotNull().isAfter(before));
        Instant latest = throttled.datasources().stream().filter(IngestReport.Result::failed)
                .map(IngestReport.Result::retryAt).max(Instant::compareTo).orElseThrow();

        Optional<KsyncException> error = new IngestRound("inc", List.of(throttled), Map.of()).error();
        assertThat(error).get().satisfies(e -> assertThat(e.retryAt()).contains(latest));
    }

    @Test
    void two_long_account_ids_sharing_their_beginning_get_a_schema_each_and_short_ones_keep_theirs() {
        Ingestion ingestion = s.ingestion(1);
        String common = "a".repeat(55);
        String one = common + "_first", two = common + "_second";
        assertThat(ingestion.schemaOf("acme")).isEqualTo("klaviyo_acme");
        String fits = "b".repeat(63 - "klaviyo_".length());
        assertThat(ingestion.schemaOf(fits)).isEqualTo("klaviyo_" + fits);
        assertThat(ingestion.schemaOf(one)).hasSize(63).startsWith("klaviyo_" + common.substring(0, 46))
                .isEqualTo(ingestion.schemaOf(one)).isNotEqualTo(ingestion.schemaOf(two));

        IngestReport first = runOnly(ingestion, one, "templates");
        IngestReport second = runOnly(ingestion, two, "templates");
        assertThat(second.schema()).isNotEqualTo(first.schema());
        for (IngestReport r : List.of(first, second)) {
            assertThat(r.failed()).as(r.toString()).isFalse();
            assertThat(r.datasources()).singleElement().satisfies(d -> {
                // each account's window starts at the default: it does not see the other's table
                assertThat(d.window().start()).isEqualTo("2025-09-01T00:00:00.000000");
                assertThat(d.rows()).isPositive();
            });
        }
    }

    @Test
    void an_account_whose_schema_would_be_postgresqls_own_is_refused_before_any_work() {
        Ingestion ingestion = new Ingestion(pg.database().jdbi(), (id, key) -> { throw new AssertionError("no client"); },
                null, Ingestion.Settings.DEFAULT.inSchema("{accountId}"), s.clock);
        for (String id : List.of("public", "pg_catalog", "information_schema")) {
            IngestRequest r = new IngestRequest(IngestMode.INC, Optional.of(AccountId.of("accountId", id)),
                    Optional.empty(), Set.of(), Optional.empty());
            assertThatThrownBy(() -> ingestion.check(r)).as(id).isInstanceOf(KsyncException.class)
                    .hasMessageContaining("accountId is '" + id + "'").hasMessageContaining("a schema of PostgreSQL's own");
        }
        assertThat(ingestion.schemaOf("acme")).isEqualTo("acme");
        assertThatThrownBy(() -> Ingestion.Settings.DEFAULT.inSchema("klaviyo_shared"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("{accountId}");
    }

    @Test
    void a_default_start_time_still_to_come_is_refused_naming_the_entry() {
        Ingestion ingestion = s.ingestion(1);
        List<Datasource> inc = new ArrayList<>(DatasourceFile.builtIn().inc());
        Datasource t = inc.get(1);
        inc.set(1, new Datasource(t.name(), t.tableName(), t.configFile(), t.incrementalField(),
                t.incrementalFieldConnector(), "2030-01-01T00:00:00.000000", t.workflowName(), t.mode()));
        IngestRequest r = new IngestRequest(IngestMode.INC, Optional.of(AccountId.of("accountId", "future")),
                Optional.of(new DatasourceFile(List.of(), inc)), Set.of(), Optional.empty());
        assertThatThrownBy(() -> ingestion.check(r)).isInstanceOfSatisfying(KsyncException.class, e -> {
            assertThat(e.code()).isEqualTo("invalid_datasources");
            assertThat(e.getMessage()).startsWith("inc_datasources[1] (templates): default_start_time"
                    + " 2030-01-01T00:00:00.000000 is in the future");
        });
        assertThatThrownBy(() -> ingestion.run(r)).isInstanceOf(KsyncException.class);
        assertThat(ingestion.log().recent("future", 10)).isEmpty();
    }

    @Test
    void a_table_made_before_the_mark_with_another_incremental_field_fails_its_datasource_with_a_clear_error() {
        Ingestion ingestion = s.ingestion(1);
        assertThat(runOnly(ingestion, "moved", "templates").failed()).isFalse();
        unmark("klaviyo_moved.klaviyo_email_templates");
        Datasource t = DatasourceFile.builtIn().inc().get(1);
        for (String field : List.of("changed_at", "name")) {
            DatasourceFile changed = new DatasourceFile(List.of(), List.of(new Datasource(t.name(), t.tableName(),
                    t.configFile(), field, t.incrementalFieldConnector(), t.defaultStartTime(), t.workflowName(), t.mode())));
            IngestReport r = run(ingestion, IngestMode.INC, "moved", changed);
            assertThat(r.failed()).isTrue();
            assertThat(r.datasources()).singleElement().extracting(IngestReport.Result::error).asString()
                    .startsWith("inc_datasources[0] (templates): table klaviyo_moved.klaviyo_email_templates has "
                            + (field.equals("name")
                            ? "name as an attribute's column (text), not as its incremental field" : "no column changed_at"))
                    .contains("it was made with another incremental_field").doesNotContain("statement", "select");
        }
        // the usual case: both fields are Klaviyo date attributes, so the entry's is a timestamptz column of a table
        // made with the other; its unique key tells which field the table was made with
        Datasource created = new Datasource(t.name(), t.tableName(), t.configFile(), "created", "created",
                t.defaultStartTime(), t.workflowName(), t.mode());
        assertThat(run(ingestion, IngestMode.INC, "remade", new DatasourceFile(List.of(), List.of(created))).failed())
                .isFalse();
        unmark("klaviyo_remade.klaviyo_email_templates");
        String before = describe("klaviyo_remade", t.tableName());
        s.clock.advance(Duration.ofMinutes(5));
        IngestReport r = runOnly(ingestion, "remade", "templates");
        assertThat(r.failed()).isTrue();
        assertThat(r.datasources()).singleElement().extracting(IngestReport.Result::error).asString()
                .startsWith("inc_datasources[1] (templates): table klaviyo_remade.klaviyo_email_templates is keyed on"
                        + " (id, created), not (id, updated)")
                .contains("it was made with another incremental_field");
        assertThat(describe("klaviyo_remade", t.tableName())).as("the table is unchanged").isEqualTo(before);
    }

    /** One inc entry of {@code name} (the built-in's settings) loading into {@code table} from {@code start}. */
    private static DatasourceFile into(String name, String table, String start) {
        Datasource b = DatasourceFile.builtIn().inc().stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
        return new DatasourceFile(List.of(), List.of(new Datasource(b.name(), table, b.configFile(), b.incrementalField(),
                b.incrementalFieldConnector(), start, b.workflowName(), b.mode())));
    }

    private static IngestRequest request(String account, DatasourceFile file) {
        return new IngestRequest(IngestMode.INC, Optional.of(AccountId.of("accountId", account)), Optional.of(file),
                Set.of(), Optional.empty());
    }

    @Test
    void a_table_holding_another_sources_records_is_refused_at_the_check_and_its_load_fails_loading_nothing() {
        Ingestion ingestion = s.ingestion(1);
        String early = "2024-01-01T00:00:00.000000";
        IngestReport lists = ingestion.run(request("mixed", into("lists", "mixed", early)));
        assertThat(lists.failed()).as(lists.toString()).isFalse();
        assertThat(lists.datasources().getFirst().rows()).isPositive();
        String before = describe("klaviyo_mixed", "mixed");

        IngestRequest templates = request("mixed", into("templates", "mixed", early));
        assertThatThrownBy(() -> ingestion.check(templates)).isInstanceOfSatisfying(KsyncException.class, e -> {
            assertThat(e.code()).isEqualTo("table_of_another_source");
            assertThat(e.getMessage()).startsWith("inc_datasources[0] (templates): table klaviyo_mixed.mixed holds lists"
                    + " records, not templates").contains("give the entry a table_name of its own");
        });
        // a caller that runs without checking: the datasource fails with the same words and loads nothing
        IngestReport r = ingestion.run(templates);
        assertThat(r.failed()).isTrue();
        assertThat(r.failure()).contains(IngestReport.Failure.USER);
        assertThat(r.datasources()).singleElement().extracting(IngestReport.Result::error).asString()
                .startsWith("inc_datasources[0] (templates): table klaviyo_mixed.mixed holds lists records, not templates");
        assertThat(describe("klaviyo_mixed", "mixed")).as("the table is unchanged").isEqualTo(before);

        // the built-in templates table is not lists' either
        assertThat(runOnly(ingestion, "mixed", "templates").failed()).isFalse();
        assertThatThrownBy(() -> ingestion.check(request("mixed", into("lists", "klaviyo_email_templates", early))))
                .hasMessageStartingWith("inc_datasources[0] (lists): table klaviyo_mixed.klaviyo_email_templates holds"
                        + " templates records, not lists");
    }

    @Test
    void a_table_made_with_another_incremental_field_is_refused_at_the_check_naming_the_entry() {
        Ingestion ingestion = s.ingestion(1);
        assertThat(runOnly(ingestion, "refield", "templates").failed()).isFalse();
        Datasource t = DatasourceFile.builtIn().inc().get(1);
        DatasourceFile created = new DatasourceFile(List.of(), List.of(new Datasource(t.name(), t.tableName(),
                t.configFile(), "created", "created", t.defaultStartTime(), t.workflowName(), t.mode())));
        assertThatThrownBy(() -> ingestion.check(request("refield", created)))
                .isInstanceOfSatisfying(KsyncException.class, e -> {
                    assertThat(e.code()).isEqualTo("incremental_field_mismatch");
                    assertThat(e.getMessage()).startsWith("inc_datasources[0] (templates): table"
                            + " klaviyo_refield.klaviyo_email_templates was made with incremental_field updated, not created");
                    assertThat(e.details()).containsEntry("entry", "inc_datasources[0]")
                            .containsEntry("field", "incremental_field");
                });
        // a caller that runs without checking: the load refuses it with the same words, under the table's lock
        IngestReport r = ingestion.run(request("refield", created));
        assertThat(r.failure()).contains(IngestReport.Failure.USER);
        assertThat(r.datasources()).singleElement().extracting(IngestReport.Result::error).asString()
                .startsWith("inc_datasources[0] (templates): table klaviyo_refield.klaviyo_email_templates was made"
                        + " with incremental_field updated, not created");
    }

    @Test
    void a_table_made_before_tables_were_marked_is_adopted_by_its_own_source_and_refused_to_another() {
        Ingestion ingestion = s.ingestion(1);
        String early = "2024-01-01T00:00:00.000000";
        assertThat(ingestion.run(request("legacy", into("lists", "old_lists", early))).failed()).isFalse();
        assertThat(ingestion.run(request("legacy", into("templates", "old_templates", early))).failed()).isFalse();
        unmark("klaviyo_legacy.old_lists");
        unmark("klaviyo_legacy.old_templates");
        String before = describe("klaviyo_legacy", "old_lists");
        // unmarked, it passes the check; its load reads what the rows are and refuses
        IngestRequest templates = request("legacy", into("templates", "old_lists", early));
        ingestion.check(templates);
        IngestReport r = ingestion.run(templates);
        assertThat(r.failed()).isTrue();
        assertThat(r.datasources()).singleElement().extracting(IngestReport.Result::error).asString()
                .startsWith("inc_datasources[0] (templates): table klaviyo_legacy.old_lists holds lists records, not"
                        + " templates");
        assertThat(describe("klaviyo_legacy", "old_lists")).isEqualTo(before);

        // its own source loads it and marks it: from then on the check refuses another source
        IngestReport own = ingestion.run(request("legacy", into("templates", "old_templates", early)));
        assertThat(own.failed()).as(own.toString()).isFalse();
        assertThatThrownBy(() -> ingestion.check(request("legacy", into("lists", "old_templates", early))))
                .hasMessageStartingWith("inc_datasources[0] (lists): table klaviyo_legacy.old_templates holds templates"
                        + " records, not lists");
    }

    @Test
    void a_failed_first_run_of_an_unregistered_account_leaves_no_schema_behind() {
        Ingestion ingestion = s.ingestion(1);
        s.sandbox.injectFaults(FaultKind.ERROR_500, 6);
        IngestReport broken;
        try {
            broken = runOnly(ingestion, "zz-nokey", "templates");
        } finally {
            s.sandbox.clearFaults();
        }
        assertThat(broken.failed()).isTrue();
        assertThat(schemaExists("klaviyo_zz-nokey")).isFalse();

        IngestReport fixed = runOnly(ingestion, "zz-nokey", "templates");
        assertThat(fixed.failed()).as(fixed.toString()).isFalse();
        assertThat(schemaExists("klaviyo_zz-nokey")).isTrue();
        assertThat(s.ids("klaviyo_zz-nokey", "klaviyo_email_templates")).isNotEmpty();
    }

    private static boolean schemaExists(String schema) {
        return pg.database().jdbi().withHandle(h -> h.createQuery("select exists (select 1 from pg_namespace"
                + " where nspname = :s)").bind("s", schema).mapTo(Boolean.class).one());
    }

    /** A table's columns, indexes and rows, to compare before and after. */
    /** Takes a table's {@link RawTable.Mark} away, as a table made before ksync marked its tables has none. */
    private static void unmark(String table) {
        pg.database().jdbi().useHandle(h -> h.execute("comment on table " + table + " is null"));
    }

    private static String describe(String schema, String table) {
        return pg.database().jdbi().withHandle(h -> String.join("\n",
                h.createQuery("select column_name || ' ' || data_type from information_schema.columns"
                        + " where table_schema = :s and table_name = :t order by ordinal_position").bind("s", schema).bind("t", table)
                        .mapTo(String.class).list())
                + "\n" + String.join("\n", h.createQuery("select indexdef from pg_indexes where schemaname = :s"
                        + " and tablename = :t order by indexname").bind("s", schema).bind("t", table)
                        .mapTo(String.class).list())
                + "\n" + h.createQuery("select count(*) || ' rows, ' || coalesce(md5(string_agg(id || ' ' || time,"
                        + " ',' order by id, time)), '') from \"" + schema + "\".\"" + table + "\"")
                        .mapTo(String.class).one());
    }

    @Test
    void the_next_run_marks_a_dead_runs_row_abandoned_even_before_its_window_and_leaves_a_waiting_runs_row() {
        Ingestion ingestion = s.ingestion(1);
        Datasource templates = DatasourceFile.builtIn().inc().get(1);
        IngestionLog log = ingestion.log();
        // killed after logging its start, before its window was known (e.g. while waiting for the table's lock)
        long dead = log.start("stale", "klaviyo_stale", IngestMode.INC, templates, s.clock.instant());
        long waiting = log.start("stale", "klaviyo_stale", IngestMode.INC, templates, s.clock.instant());
        try (Handle other = pg.database().jdbi().open()) {
            other.begin();
            log.live(other, waiting); // a live run of another process, waiting for the table's lock
            assertThat(runOnly(ingestion, "stale", "templates").failed()).isFalse();
            other.rollback();
        }
        Map<Long, IngestionLog.Entry> rows = new TreeMap<>();
        log.recent("stale", 10).forEach(e -> rows.put(e.id(), e));
        assertThat(rows).hasSize(3);
        assertThat(rows.get(dead).status()).isEqualTo("error");
        assertThat(rows.get(dead).error()).isEqualTo(IngestionLog.ABANDONED);
        assertThat(rows.get(dead).finishedAt()).isNotNull();
        assertThat(rows.get(waiting).status()).isEqualTo("running");
        // the next run finds the waiting one gone (its session ended without finishing): abandoned too
        s.clock.advance(Duration.ofMinutes(1));
        assertThat(runOnly(ingestion, "stale", "templates").failed()).isFalse();
        assertThat(log.recent("stale", 10)).filteredOn(e -> e.id() == waiting).singleElement()
                .satisfies(e -> assertThat(e.error()).isEqualTo(IngestionLog.ABANDONED));
    }

    @Test
    void a_datasource_the_database_refuses_reports_the_sqlstate_and_message_without_the_statement() {
        Ingestion ingestion = s.ingestion(1);
        // a relation already holding the name of the table's unique key
        pg.database().jdbi().useHandle(h -> {
            h.execute("create schema klaviyo_refused");
            h.execute("create sequence klaviyo_refused.klaviyo_email_templates_ksync_key");
        });
        IngestReport r = runOnly(ingestion, "refused", "templates");
        assertThat(r.failed()).isTrue();
        String expected = "the database refused the load (SQLState 42P07): relation \"klaviyo_email_templates_ksync_key\""
                + " already exists";
        assertThat(r.datasources()).singleElement().extracting(IngestReport.Result::error).isEqualTo(expected);
        assertThat(ingestion.log().recent("refused", 1)).singleElement().extracting(IngestionLog.Entry::error)
                .isEqualTo(expected);
    }

    private static IngestReport runOnly(Ingestion ingestion, String account, String... names) {
        return ingestion.run(new IngestRequest(IngestMode.INC, Optional.of(AccountId.of("accountId", account)),
                Optional.empty(), Set.of(names), Optional.empty()));
    }

    private static Instant sharedEventSecond() {
        Map<Instant, Integer> perSecond = new TreeMap<>();
        Instant from = IngestSandbox.SANDBOX_NOW.minus(Duration.ofDays(20));
        s.data().forEachEvent(from, from.plus(Duration.ofDays(2)),
                e -> perSecond.merge(e.time().truncatedTo(ChronoUnit.SECONDS), 1, Integer::sum));
        return perSecond.entrySet().stream().filter(e -> e.getValue() >= 3).map(Map.Entry::getKey).findFirst().orElseThrow();
    }

    private static Instant maxField(String schema, String table, String field) {
        return pg.database().jdbi().withHandle(h -> h.createQuery("select max(\"" + field + "\") from \"" + schema + "\".\"" + table + "\"")
                .mapTo(java.time.OffsetDateTime.class).one()).toInstant();
    }

    /** Deletes all but one row whose field falls in {@code at}'s second; how many it deleted. */
    private static int keepOneAt(String schema, String table, String field, Instant at) {
        return pg.database().jdbi().withHandle(h -> h.createUpdate("delete from \"" + schema + "\".\"" + table + "\" where \""
                        + field + "\" >= :s and \"" + field + "\" < :e and id <> (select min(id) from \"" + schema + "\".\"" + table
                        + "\" where \"" + field + "\" >= :s and \"" + field + "\" < :e)")
                .bind("s", at.truncatedTo(ChronoUnit.SECONDS).atOffset(java.time.ZoneOffset.UTC))
                .bind("e", at.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1).atOffset(java.time.ZoneOffset.UTC)).execute());
    }

    private static Map<String, String> columns(String schema, String table) {
        Map<String, String> out = new TreeMap<>();
        pg.database().jdbi().useHandle(h -> h.createQuery("select column_name, data_type from information_schema.columns"
                        + " where table_schema = :s and table_name = :t").bind("s", schema).bind("t", table)
                .map((rs, c) -> Map.entry(rs.getString(1), rs.getString(2))).forEach(e -> out.put(e.getKey(), e.getValue())));
        return out;
    }
}
