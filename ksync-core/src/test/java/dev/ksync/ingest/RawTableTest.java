package dev.ksync.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ksync.db.TestPostgres;
import dev.ksync.klaviyo.wire.RawResource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The COPY loader alone: typed columns as PostgreSQL would read them from the record, held rows skipped, failures. */
class RawTableTest {
    @RegisterExtension
    static final TestPostgres pg = new TestPostgres();
    static Jdbi jdbi;

    @BeforeAll
    static void start() {
        pg.database().migrate();
        jdbi = pg.database().jdbi();
        jdbi.useTransaction(h -> RawTable.createSchema(h, "raw_test"));
    }

    private static RawResource record(String id, String attributes) {
        return RawResource.of("{\"type\":\"thing\",\"id\":\"" + id + "\",\"attributes\":" + attributes + "}");
    }

    private static Instant created(RawResource r) {
        return Instant.parse(r.attribute("created").asText());
    }

    private static long load(RawTable t, int batchRows, Stream<RawResource> records) {
        return jdbi.inTransaction(h -> {
            RawTable.State state = t.createIfMissing(h);
            return t.load(h, 1_700_000_000L, batchRows, false, records, RawTableTest::created, state);
        });
    }

    @Test
    void typed_columns_hold_what_postgresql_reads_from_the_records_attributes() {
        RawTable t = new RawTable("raw_test", "typed", "created", RawTable.Key.ID_AND_FIELD);
        List<RawResource> records = List.of(
                record("a", "{\"created\":\"2024-01-01T00:00:00Z\",\"Name\":\"tab\\there \\\\ \\\"q\\\" \\n é\",\"n\":1.50,"
                        + "\"big\":1.0E20,\"ok\":true,\"when\":\"2024-03-26T17:24:42+00:00\",\"nested\":{\"x\":1},\"nil\":null}"),
                // other JSON types than the column's first: null in the column, kept in the record
                record("b", "{\"created\":\"2024-01-02T00:00:00Z\",\"Name\":7,\"n\":\"seven\",\"big\":-3,\"ok\":\"yes\","
                        + "\"when\":\"2024-02-30T00:00:00Z\",\"nil\":\"late\"}"),
                record("c", "{\"created\":\"2024-01-03T00:00:00Z\",\"Name\":false,\"n\":1e-5,\"when\":\"2024-02-29 23:59\"}"));
        assertThat(load(t, 2, records.stream())).isEqualTo(3);
        Map<String, String> cols = jdbi.withHandle(h -> h.createQuery("select column_name, data_type from"
                        + " information_schema.columns where table_schema = 'raw_test' and table_name = 'typed'")
                .setMapKeyColumn("column_name").setMapValueColumn("data_type").collectInto(
                        new org.jdbi.v3.core.generic.GenericType<Map<String, String>>() {}));
        assertThat(cols).containsEntry("name", "text").containsEntry("n", "numeric").containsEntry("big", "numeric")
                .containsEntry("ok", "boolean").containsEntry("when", "timestamp with time zone")
                .containsEntry("nil", "text").doesNotContainKey("nested");
        // each typed column equals the attribute as PostgreSQL reads it from the stored jsonb (null where it is not
        // of the column's type), so the loader's Java encoding matches the SQL extraction it replaced
        String a = "(record->'attributes'->%s)";
        Map<String, String> sql = Map.of(
                "name", "case when jsonb_typeof(" + a.formatted("'Name'") + ") in ('string','number','boolean') then "
                        + a.formatted("'Name'") + " #>> '{}' end",
                "n", "case when jsonb_typeof(" + a.formatted("'n'") + ") = 'number' then (" + a.formatted("'n'") + " #>> '{}')::numeric end",
                "big", "case when jsonb_typeof(" + a.formatted("'big'") + ") = 'number' then (" + a.formatted("'big'") + " #>> '{}')::numeric end",
                "ok", "case when jsonb_typeof(" + a.formatted("'ok'") + ") = 'boolean' then (" + a.formatted("'ok'") + " #>> '{}')::boolean end",
                "when", "case when jsonb_typeof(" + a.formatted("'when'") + ") = 'string' then ksync_try_timestamptz("
                        + a.formatted("'when'") + " #>> '{}') end",
                "nil", "case when jsonb_typeof(" + a.formatted("'nil'") + ") = 'string' then " + a.formatted("'nil'") + " #>> '{}' end");
        sql.forEach((column, expr) -> {
            List<String> differing = jdbi.withHandle(h -> h.createQuery("select id from raw_test.typed where \"" + column
                    + "\"::text is distinct from (" + expr + ")::text order by id").mapTo(String.class).list());
            assertThat(differing).as(column).isEmpty();
        });
        List<String> names = jdbi.withHandle(h -> h.createQuery("select coalesce(name, '-') || '|' || coalesce(n::text, '-')"
                + " || '|' || coalesce(\"when\"::text, '-') from raw_test.typed order by id").mapTo(String.class).list());
        // numbers keep the digits Klaviyo sent (1.50), in the column as in the record
        assertThat(names).hasSize(3).first().asString().startsWith("tab\there \\ \"q\" \n é|1.50|2024-03-26");
        assertThat(names.get(1)).isEqualTo("7|-|-"); // 30 February is no datetime: null, not a failed window
        assertThat(names.get(2)).startsWith("false|0.00001|2024-02-29");
        List<Instant> created = jdbi.withHandle(h -> h.createQuery("select created from raw_test.typed order by id")
                .mapTo(java.time.OffsetDateTime.class).list()).stream().map(java.time.OffsetDateTime::toInstant).toList();
        assertThat(created).containsExactly(Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2024-01-02T00:00:00Z"),
                Instant.parse("2024-01-03T00:00:00Z"));
        String record = jdbi.withHandle(h -> h.createQuery("select record->'attributes'->>'Name' from raw_test.typed where id = 'a'")
                .mapTo(String.class).one());
        assertThat(record).isEqualTo("tab\there \\ \"q\" \n é");
    }

    @Test
    void held_rows_and_repeats_in_the_stream_are_kept_once_and_only_new_rows_counted() {
        RawTable t = new RawTable("raw_test", "held", "created", RawTable.Key.ID);
        String at = "{\"created\":\"2024-01-01T00:00:00Z\"}";
        assertThat(load(t, 3, IntStream.range(0, 10).mapToObj(i -> record("e" + i, at)))).isEqualTo(10);
        // a second window: held rows, a repeat within the stream, new rows after them (batches of 3 cross all cases)
        Stream<RawResource> again = Stream.of("e8", "e9", "n1", "n2", "n2", "n3", "n4", "n5", "n6", "e0", "n7")
                .map(id -> record(id, at));
        assertThat(load(t, 3, again)).isEqualTo(7);
        List<String> ids = jdbi.withHandle(h -> h.createQuery("select id from raw_test.held order by id").mapTo(String.class).list());
        assertThat(ids).hasSize(17).doesNotHaveDuplicates();
    }

    @Test
    void a_first_load_keeps_the_first_of_repeated_records_and_leaves_the_table_with_its_unique_key() {
        RawTable t = new RawTable("raw_test", "first", "created", RawTable.Key.ID_AND_FIELD);
        // the first window's records go in before the table has its key: repeats (same id and created) meet it only
        // when it is built; the same id with another created is an update, a row of its own
        Stream<RawResource> window = Stream.of(
                record("a", "{\"created\":\"2024-01-01T00:00:00Z\",\"v\":\"first\"}"),
                record("b", "{\"created\":\"2024-01-01T00:00:00Z\",\"v\":\"first\"}"),
                record("a", "{\"created\":\"2024-01-01T00:00:00Z\",\"v\":\"repeat\"}"),
                record("a", "{\"created\":\"2024-01-02T00:00:00Z\",\"v\":\"update\"}"),
                record("b", "{\"created\":\"2024-01-01T00:00:00Z\",\"v\":\"repeat\"}"),
                record("c", "{\"created\":\"2024-01-03T00:00:00Z\",\"v\":\"first\"}"));
        assertThat(load(t, 2, window)).isEqualTo(4);
        List<String> rows = jdbi.withHandle(h -> h.createQuery("select id || ' ' || created::date || ' ' || v"
                + " from raw_test.first order by id, created").mapTo(String.class).list());
        assertThat(rows).containsExactly("a 2024-01-01 first", "a 2024-01-02 update", "b 2024-01-01 first",
                "c 2024-01-03 first");
        String key = jdbi.withHandle(h -> h.createQuery("select indexdef from pg_indexes"
                + " where schemaname = 'raw_test' and tablename = 'first'").mapTo(String.class).one());
        assertThat(key).contains("UNIQUE").contains("(id, created)");
        // the next window appends against the key
        assertThat(load(t, 2, Stream.of(record("a", "{\"created\":\"2024-01-02T00:00:00Z\",\"v\":\"again\"}"),
                record("d", "{\"created\":\"2024-01-04T00:00:00Z\"}")))).isEqualTo(1);
        // a table whose key was dropped by hand gets it back, the held row kept over the repeat
        jdbi.useHandle(h -> h.execute("drop index raw_test.first_ksync_key"));
        assertThat(load(t, 2, Stream.of(record("c", "{\"created\":\"2024-01-03T00:00:00Z\",\"v\":\"repeat\"}"),
                record("e", "{\"created\":\"2024-01-05T00:00:00Z\"}")))).isEqualTo(1);
        List<String> c = jdbi.withHandle(h -> h.createQuery("select v from raw_test.first where id = 'c'")
                .mapTo(String.class).list());
        assertThat(c).containsExactly("first");
        int keys = jdbi.withHandle(h -> h.createQuery("select count(*) from pg_indexes where schemaname = 'raw_test'"
                + " and tablename = 'first' and indexdef like '%UNIQUE%'").mapTo(Integer.class).one());
        assertThat(keys).isEqualTo(1);
    }

    @Test
    void two_long_table_names_sharing_their_first_50_characters_get_a_unique_key_each() {
        String common = "t".repeat(50);
        RawTable one = new RawTable("raw_test", common + "_one", "created", RawTable.Key.ID);
        RawTable two = new RawTable("raw_test", common + "_two", "created", RawTable.Key.ID);
        String at = "{\"created\":\"2024-01-01T00:00:00Z\"}";
        for (RawTable t : List.of(one, two)) {
            assertThat(load(t, 3, Stream.of(record("a", at), record("b", at)))).isEqualTo(2);
            // the next window finds the key: the held row is kept once
            assertThat(load(t, 3, Stream.of(record("b", at), record("c", at)))).isEqualTo(1);
        }
        List<String> keys = jdbi.withHandle(h -> h.createQuery("select indexname from pg_indexes where schemaname = 'raw_test'"
                + " and tablename like 'tttt%' and indexdef like '%UNIQUE%' order by tablename").mapTo(String.class).list());
        assertThat(keys).hasSize(2).doesNotHaveDuplicates().allSatisfy(k -> assertThat(k).hasSizeLessThanOrEqualTo(63)
                .startsWith("t".repeat(41) + "_").endsWith("_ksync_key"));
        // a table whose name fits keeps the name its key always had
        RawTable shortName = new RawTable("raw_test", "fits", "created", RawTable.Key.ID);
        load(shortName, 3, Stream.of(record("a", at)));
        String fitsKey = jdbi.withHandle(h -> h.createQuery("select to_regclass('raw_test.fits_ksync_key')::text")
                .mapTo(String.class).one());
        assertThat(fitsKey).isEqualTo("raw_test.fits_ksync_key");
    }

    @Test
    void a_long_named_table_keyed_under_the_name_ksync_gave_its_key_before_is_found_keyed() {
        String name = "k".repeat(50) + "_legacy";
        jdbi.useHandle(h -> {
            h.execute("create table raw_test." + name + " (id text not null, created timestamptz, record jsonb not null,"
                    + " time bigint not null)");
            h.execute("create unique index " + "k".repeat(50) + "_ksync_key on raw_test." + name + " (id)");
        });
        RawTable t = new RawTable("raw_test", name, "created", RawTable.Key.ID);
        assertThat(jdbi.inTransaction(t::createIfMissing)).isEqualTo(RawTable.State.KEYED);
        assertThat(load(t, 3, Stream.of(record("a", "{\"created\":\"2024-01-01T00:00:00Z\"}")))).isEqualTo(1);
        int keys = jdbi.withHandle(h -> h.createQuery("select count(*) from pg_indexes where schemaname = 'raw_test'"
                + " and tablename = :t").bind("t", name).mapTo(Integer.class).one());
        assertThat(keys).as("no second key built beside it").isEqualTo(1);
    }

    @Test
    void a_first_load_writes_its_rows_frozen_and_later_windows_do_not() {
        RawTable t = new RawTable("raw_test", "frozen", "created", RawTable.Key.ID);
        String at = "{\"created\":\"2024-01-01T00:00:00Z\"}";
        try (Handle before = jdbi.open()) {
            // a snapshot taken before the load: only frozen rows are visible to it once committed
            before.setTransactionIsolationLevel(TransactionIsolationLevel.REPEATABLE_READ);
            before.begin();
            before.createQuery("select 1").mapTo(Integer.class).one();
            assertThat(load(t, 3, IntStream.range(0, 10).mapToObj(i -> record("z" + i, at)))).isEqualTo(10);
            assertThat(load(t, 3, IntStream.range(10, 15).mapToObj(i -> record("z" + i, at)))).isEqualTo(5);
            int seen = before.createQuery("select count(*) from raw_test.frozen").mapTo(Integer.class).one();
            assertThat(seen).as("the first window's rows, not the second's").isEqualTo(10);
            before.rollback();
        }
    }

    @Test
    void numbers_and_datetimes_in_typed_columns_equal_what_postgresql_reads_from_the_stored_record() {
        RawTable t = new RawTable("raw_test", "numbers", "created", RawTable.Key.ID);
        List<String> numbers = List.of("0", "-0.0", "7", "-3", "1.50", "0.0001", "0.00001", "1e-5", "1.0E20", "-2.5E-3",
                "12345.6789", "10000", "100000000", "99999999.99999", "0.1234", "123456789012345678901234567890.123456789",
                "-1234567890123456789012345678901234567890.5", "9223372036854775807", "9223372036854775808", "1E+3",
                "-9223372036854775808", "-20000", "1733058365");
        List<String> times = List.of("2024-03-26T17:24:42+00:00", "2024-03-26T17:24:42.123456Z", "2024-03-26 17:24",
                "2024-03-26T17:24:42.1234567+05:30", "1999-12-31T23:59:59-0800", "2000-01-01T00:00:00+02",
                "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z", "2024-03-26T17:24:42.0000005Z");
        List<RawResource> records = new java.util.ArrayList<>();
        for (int i = 0; i < Math.max(numbers.size(), times.size()); i++) {
            records.add(record("x" + i, "{\"created\":\"2024-01-01T00:00:00Z\",\"v\":" + numbers.get(i % numbers.size())
                    + ",\"at\":\"" + times.get(i % times.size()) + "\"}"));
        }
        assertThat(load(t, 4, records.stream())).isEqualTo(records.size());
        List<String> differing = jdbi.withHandle(h -> h.createQuery("select id || ': ' || v::text || ' vs ' || (record->'attributes'->>'v')"
                + " || ', ' || coalesce(at::text, '-') || ' vs ' || (record->'attributes'->>'at') from raw_test.numbers"
                + " where v::text is distinct from (record->'attributes'->>'v')::numeric::text"
                + " or at is distinct from (record->'attributes'->>'at')::timestamptz order by id").mapTo(String.class).list());
        assertThat(differing).isEmpty();
        String sent = jdbi.withHandle(h -> h.createQuery("select v::text from raw_test.numbers where id = 'x4'")
                .mapTo(String.class).one());
        assertThat(sent).isEqualTo("1.50");
    }

    @Test
    void a_failure_in_postgresql_stops_the_reading_of_an_endless_stream_and_commits_nothing() {
        RawTable t = new RawTable("raw_test", "refused", "created", RawTable.Key.ID);
        String at = "{\"created\":\"2024-01-01T00:00:00Z\"}";
        java.util.concurrent.atomic.AtomicLong read = new java.util.concurrent.atomic.AtomicLong();
        // jsonb refuses \u0000: the batch holding record 25 fails in COPY, while records keep coming
        Stream<RawResource> endless = Stream.generate(() -> {
            long i = read.getAndIncrement();
            return record("r" + i, i == 25 ? "{\"created\":\"2024-01-01T00:00:00Z\",\"bad\":\"\\u0000\"}" : at);
        });
        assertThatThrownBy(() -> load(t, 10, endless)).hasMessageContaining("COPY into");
        long after = read.get();
        assertThat(after).as("records read before the reader stopped").isLessThan(1_000);
        String left = jdbi.withHandle(h -> h.createQuery("select to_regclass('raw_test.refused')::text").mapTo(String.class).one());
        assertThat(left).isNull();
    }

    @Test
    void a_failure_while_reading_the_records_leaves_the_window_uncommitted() {
        RawTable t = new RawTable("raw_test", "broken", "created", RawTable.Key.ID);
        String at = "{\"created\":\"2024-01-01T00:00:00Z\"}";
        Stream<RawResource> failing = IntStream.range(0, 100).mapToObj(i -> {
            if (i == 57) throw new IllegalStateException("Klaviyo failed on get_events (500)");
            return record("f" + i, at);
        });
        assertThatThrownBy(() -> load(t, 10, failing)).hasMessageContaining("(500)");
        String left = jdbi.withHandle(h -> h.createQuery("select to_regclass('raw_test.broken')::text").mapTo(String.class).one());
        assertThat(left).as("the table made in the failed window").isNull();
    }
}
