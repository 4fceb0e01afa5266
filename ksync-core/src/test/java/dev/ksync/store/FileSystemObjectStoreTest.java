package dev.ksync.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemObjectStoreTest extends ObjectStoreContract {
    @TempDir
    Path root;

    @Override
    ObjectStore store() {
        return new FileSystemObjectStore(root);
    }

    @Test
    void objects_live_under_root_bucket_key_and_no_temporary_file_remains() throws Exception {
        write("acme/u/subscribers.csv", "x");
        assertThat(root.resolve(BUCKET).resolve("acme/u/subscribers.csv")).hasContent("x");
        assertThat(Files.getPosixFilePermissions(root.resolve(BUCKET).resolve("acme/u/subscribers.csv")))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        try (var files = Files.walk(root)) {
            assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                    .containsExactly("subscribers.csv");
        }
    }

    @Test
    void point11_sweep_deletes_temporaries_of_interrupted_writes_older_than_the_cut_off_and_nothing_else() throws Exception {
        write("acme/u/subscribers.csv", "x");
        Path folder = root.resolve(BUCKET).resolve("acme/u");
        Path stale = Files.writeString(folder.resolve(".ksync-tmp-123.part"), "half a file");
        Path fresh = Files.writeString(folder.resolve(".ksync-tmp-456.part"), "a write in progress");
        java.time.Instant now = java.time.Instant.parse("2026-01-01T12:00:00Z");
        Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.from(now.minus(java.time.Duration.ofHours(2))));
        Files.setLastModifiedTime(fresh, java.nio.file.attribute.FileTime.from(now.minusSeconds(5)));

        assertThat(store().sweepTemporaries(now.minus(ObjectStore.STALE_TEMPORARY_AGE))).isEqualTo(1);

        assertThat(stale).doesNotExist();
        assertThat(fresh).exists();
        assertThat(folder.resolve("subscribers.csv")).hasContent("x");
        assertThat(store().sweepTemporaries(now.minus(ObjectStore.STALE_TEMPORARY_AGE))).isZero();
    }
}
