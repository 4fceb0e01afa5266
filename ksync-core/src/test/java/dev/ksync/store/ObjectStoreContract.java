package dev.ksync.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ksync.error.KsyncException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link ObjectStore} must have; each implementation's test extends this. */
abstract class ObjectStoreContract {
    static final String BUCKET = "contract-bucket";

    abstract ObjectStore store();

    @Test
    void put_then_get_returns_the_same_bytes_with_size_and_sha256() throws Exception {
        byte[] body = "Email,Klaviyo ID\r\na@b.c,01H\r\n".getBytes(StandardCharsets.UTF_8);
        StoredObject o = store().put(BUCKET, "acme/u1/subscribers.csv", new ByteArrayInputStream(body));
        assertThat(o).isEqualTo(new StoredObject(BUCKET, "acme/u1/subscribers.csv", body.length, sha256(body)));
        assertThat(read("acme/u1/subscribers.csv")).isEqualTo(new String(body, StandardCharsets.UTF_8));
        assertThat(store().exists(BUCKET, "acme/u1/subscribers.csv")).isTrue();
    }

    @Test
    void put_replaces_an_existing_object() throws Exception {
        write("r/x.csv", "one");
        write("r/x.csv", "two");
        assertThat(read("r/x.csv")).isEqualTo("two");
    }

    @Test
    void get_of_a_missing_key_is_empty_and_exists_is_false() throws Exception {
        assertThat(store().get(BUCKET, "missing/none.csv")).isEmpty();
        assertThat(store().exists(BUCKET, "missing/none.csv")).isFalse();
        assertThat(store().lastModified(BUCKET, "missing/none.csv")).isEmpty();
    }

    @Test
    void last_modified_is_the_time_of_the_write() throws Exception {
        java.time.Instant before = java.time.Instant.now().minusSeconds(5);
        write("m/x.csv", "x");
        assertThat(store().lastModified(BUCKET, "m/x.csv")).hasValueSatisfying(
                t -> assertThat(t).isBetween(before, java.time.Instant.now().plusSeconds(5)));
    }

    @Test
    void list_returns_keys_under_a_prefix_in_order() throws Exception {
        write("l/b/2.csv", "x");
        write("l/a/1.csv", "x");
        write("l/a/0.csv", "x");
        write("lz/other.csv", "x");
        assertThat(store().list(BUCKET, "l/")).containsExactly("l/a/0.csv", "l/a/1.csv", "l/b/2.csv");
        assertThat(store().list(BUCKET, "l/a/")).containsExactly("l/a/0.csv", "l/a/1.csv");
        assertThat(store().list(BUCKET, "l/a/1")).containsExactly("l/a/1.csv");
        assertThat(store().list(BUCKET, "nothing/")).isEmpty();
    }

    @Test
    void delete_removes_and_reports_whether_there_was_an_object() throws Exception {
        write("d/x.csv", "x");
        assertThat(store().delete(BUCKET, "d/x.csv")).isTrue();
        assertThat(store().exists(BUCKET, "d/x.csv")).isFalse();
        assertThat(store().delete(BUCKET, "d/x.csv")).isFalse();
    }

    @Test
    void a_reader_never_sees_a_partial_object_while_it_is_written() throws Exception {
        write("a/live.csv", "old complete content");
        AtomicReference<String> seenMidWrite = new AtomicReference<>();
        AtomicReference<Boolean> newKeyVisibleMidWrite = new AtomicReference<>();
        store().write(BUCKET, "a/live.csv", out -> {
            out.write("new half".getBytes(StandardCharsets.UTF_8));
            out.flush();
            seenMidWrite.set(read("a/live.csv"));
            newKeyVisibleMidWrite.set(store().exists(BUCKET, "a/fresh.csv"));
            out.write(" and the rest".getBytes(StandardCharsets.UTF_8));
        });
        assertThat(seenMidWrite.get()).isEqualTo("old complete content");
        assertThat(read("a/live.csv")).isEqualTo("new half and the rest");
        assertThat(newKeyVisibleMidWrite.get()).isFalse();
    }

    @Test
    void a_failed_write_leaves_the_previous_object_and_no_trace() throws Exception {
        write("f/x.csv", "previous");
        assertThatThrownBy(() -> store().write(BUCKET, "f/x.csv", out -> {
            out.write("partial".getBytes(StandardCharsets.UTF_8));
            throw new IOException("producer died");
        })).isInstanceOf(IOException.class).hasMessage("producer died");
        assertThatThrownBy(() -> store().write(BUCKET, "f/new.csv", out -> {
            out.write("partial".getBytes(StandardCharsets.UTF_8));
            throw new IOException("producer died");
        })).isInstanceOf(IOException.class);
        assertThat(read("f/x.csv")).isEqualTo("previous");
        assertThat(store().exists(BUCKET, "f/new.csv")).isFalse();
        assertThat(store().list(BUCKET, "f/")).containsExactly("f/x.csv");
    }

    @Test
    void create_stores_an_object_where_there_is_none() throws Exception {
        byte[] body = bytes("first");
        StoredObject o = store().create(BUCKET, "c/new.csv", out -> out.write(body));
        assertThat(o).isEqualTo(new StoredObject(BUCKET, "c/new.csv", body.length, sha256(body)));
        assertThat(read("c/new.csv")).isEqualTo("first");
    }

    @Test
    void create_of_the_same_bytes_again_answers_the_existing_object() throws Exception {
        StoredObject first = store().create(BUCKET, "c/same.csv", out -> out.write(bytes("same")));
        assertThat(store().create(BUCKET, "c/same.csv", out -> out.write(bytes("same")))).isEqualTo(first);
        assertThat(store().list(BUCKET, "c/same")).containsExactly("c/same.csv");
    }

    @Test
    void create_over_other_bytes_fails_with_object_exists_and_keeps_the_first() throws Exception {
        StoredObject first = store().create(BUCKET, "c/taken.csv", out -> out.write(bytes("first")));
        assertThatThrownBy(() -> store().create(BUCKET, "c/taken.csv", out -> out.write(bytes("second"))))
                .isInstanceOfSatisfying(ObjectExistsException.class, e -> assertThat(e.existing()).isEqualTo(first));
        assertThat(read("c/taken.csv")).isEqualTo("first");
        assertThat(store().list(BUCKET, "c/taken")).containsExactly("c/taken.csv");
    }

    @Test
    void create_over_an_object_put_by_another_writer_compares_its_bytes() throws Exception {
        write("c/put.csv", "from put");
        assertThat(store().create(BUCKET, "c/put.csv", out -> out.write(bytes("from put"))).sha256())
                .isEqualTo(sha256(bytes("from put")));
        assertThatThrownBy(() -> store().create(BUCKET, "c/put.csv", out -> out.write(bytes("other"))))
                .isInstanceOf(ObjectExistsException.class);
    }

    @Test
    void of_concurrent_creators_with_different_bytes_exactly_one_wins() throws Exception {
        int writers = 12;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<StoredObject>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            for (int i = 0; i < writers; i++) {
                byte[] body = bytes("writer " + i + " ".repeat(i * 1000));
                results.add(pool.submit(() -> {
                    go.await();
                    return store().create(BUCKET, "c/race.csv", out -> out.write(body));
                }));
            }
            go.countDown();
            List<StoredObject> winners = new ArrayList<>();
            int refused = 0;
            for (Future<StoredObject> f : results) {
                try {
                    winners.add(f.get());
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(ObjectExistsException.class);
                    refused++;
                }
            }
            assertThat(winners).hasSize(1);
            assertThat(refused).isEqualTo(writers - 1);
            try (InputStream in = store().get(BUCKET, "c/race.csv").orElseThrow()) {
                assertThat(sha256(in.readAllBytes())).isEqualTo(winners.getFirst().sha256());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"../escape.csv", "a/../../escape.csv", "/etc/passwd", "a//b.csv", "a/./b.csv", "a\\b.csv",
            "", "trailing/", "..", "a/\u0000.csv"})
    void bad_keys_are_rejected_before_anything_is_written(String key) throws Exception {
        assertThatThrownBy(() -> store().put(BUCKET, key, new ByteArrayInputStream(new byte[] {1})))
                .isInstanceOfSatisfying(KsyncException.class, e -> assertThat(e.details()).containsEntry("field", "key"));
        assertThatThrownBy(() -> store().get(BUCKET, key)).isInstanceOf(KsyncException.class);
        assertThatThrownBy(() -> store().delete(BUCKET, key)).isInstanceOf(KsyncException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "UPPER", "a", "with space", "../x"})
    void bad_bucket_names_are_rejected(String bucket) {
        assertThatThrownBy(() -> store().put(bucket, "k.csv", new ByteArrayInputStream(new byte[] {1})))
                .isInstanceOfSatisfying(KsyncException.class, e -> assertThat(e.details()).containsEntry("field", "bucket"));
    }

    void write(String key, String content) throws IOException {
        store().put(BUCKET, key, new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    String read(String key) throws IOException {
        try (InputStream in = store().get(BUCKET, key).orElseThrow()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
