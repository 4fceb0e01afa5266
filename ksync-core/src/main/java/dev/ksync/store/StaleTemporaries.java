package dev.ksync.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * Deletes the temporary files of writes that never finished (the process died mid-write). A file counts as stale once
 * it was last written before the cut-off, so a write still in progress, which keeps touching its file, is left alone.
 */
public final class StaleTemporaries {
    private StaleTemporaries() {}

    /** Deletes files under {@code dir} ({@code depth} 1: only its own) named {@code prefix…part} older than the cut-off. */
    public static int sweep(Path dir, int depth, String prefix, Instant olderThan) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        List<Path> stale;
        try (Stream<Path> files = Files.walk(dir, depth)) {
            stale = files.filter(f -> {
                String name = f.getFileName().toString();
                return name.startsWith(prefix) && name.endsWith(".part") && Files.isRegularFile(f)
                        && lastModified(f).isBefore(olderThan);
            }).toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        int deleted = 0;
        for (Path f : stale) {
            if (Files.deleteIfExists(f)) {
                deleted++;
            }
        }
        return deleted;
    }

    private static Instant lastModified(Path f) {
        try {
            return Files.getLastModifiedTime(f).toInstant();
        } catch (NoSuchFileException e) {
            return Instant.MAX; // renamed into place or deleted meanwhile: not ours to sweep
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
