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
}
