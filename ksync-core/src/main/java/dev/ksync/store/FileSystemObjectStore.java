package dev.ksync.store;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Buckets as folders: {@code root/<bucket>/<key>}. A write goes to a hidden temporary file in the target folder and
 * is renamed into place atomically, so readers never see half a file; a create-only write is hard-linked into place
 * instead, which fails, atomically, when the key is taken. Temporary files are never listed.
 */
public final class FileSystemObjectStore implements ObjectStore {
    private static final String TMP_PREFIX = ".ksync-tmp-";

    private final Path root;

    public FileSystemObjectStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public StoredObject put(String bucket, String key, InputStream content) throws IOException {
        return write(bucket, key, content::transferTo);
    }

    @Override
    public StoredObject write(String bucket, String key, BodyWriter body) throws IOException {
        return viaTemp(bucket, key, body, (target, tmp, made) -> {
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("The filesystem under " + root + " cannot rename atomically", e);
            }
            return made;
        });
    }

    @Override
    public StoredObject create(String bucket, String key, BodyWriter body) throws IOException {
        return viaTemp(bucket, key, body, (target, tmp, made) -> {
            try {
                // link(2) fails with EEXIST instead of replacing, so the first creator wins, atomically
                Files.createLink(target, tmp);
                return made;
            } catch (FileAlreadyExistsException taken) {
                StoredObject existing = stat(bucket, key, target);
                if (existing.sha256().equals(made.sha256())) {
                    return existing;
                }
                throw new ObjectExistsException(existing);
            } catch (UnsupportedOperationException e) {
                throw new IOException("The filesystem under " + root + " cannot create hard links", e);
            }
        });
    }

    /** Puts a written temporary file in place at {@code target}; {@code made} is its size and SHA-256. */
    @FunctionalInterface
    private interface Publish {
        StoredObject from(Path target, Path tmp, StoredObject made) throws IOException;
    }

    /** Writes the body to a temporary file beside the target, hands it to {@code publish}, deletes what is left. */
    private StoredObject viaTemp(String bucket, String key, BodyWriter body, Publish publish) throws IOException {
        Path target = path(bucket, key);
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), TMP_PREFIX, ".part");
        try {
            return publish.from(target, tmp, writeTemp(bucket, key, tmp, body));
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static StoredObject writeTemp(String bucket, String key, Path tmp, BodyWriter body) throws IOException {
        HashingOutputStream hashing;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 64 * 1024)) {
            hashing = new HashingOutputStream(out);
            body.writeTo(hashing);
            hashing.flush();
        }
        // temp files are created owner-only; a published object is as readable as any other file here
        setReadable(tmp);
        return new StoredObject(bucket, key, hashing.count(), hashing.sha256());
    }

    /** Size and SHA-256 of a stored file, read through. */
    private static StoredObject stat(String bucket, String key, Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            HashingOutputStream hashing = new HashingOutputStream(OutputStream.nullOutputStream());
            in.transferTo(hashing);
            return new StoredObject(bucket, key, hashing.count(), hashing.sha256());
        }
    }

    @Override
    public Optional<InputStream> get(String bucket, String key) throws IOException {
        try {
            return Optional.of(Files.newInputStream(path(bucket, key)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public List<String> list(String bucket, String prefix) throws IOException {
        Path base = root.resolve(ObjectKeys.bucket(bucket));
        String p = ObjectKeys.prefix(prefix);
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        // Walk only the folder the prefix points into, not the whole bucket.
        int slash = p.lastIndexOf('/');
        Path start = slash < 0 ? base : base.resolve(p.substring(0, slash));
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        try (Stream<Path> files = Files.walk(start)) {
            files.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().startsWith(TMP_PREFIX))
                    .map(f -> base.relativize(f).toString().replace('\\', '/'))
                    .filter(k -> k.startsWith(p))
                    .forEach(keys::add);
        }
        keys.sort(null);
        return keys;
    }

    @Override
    public boolean delete(String bucket, String key) throws IOException {
        return Files.deleteIfExists(path(bucket, key));
    }

    @Override
    public boolean exists(String bucket, String key) throws IOException {
        return Files.isRegularFile(path(bucket, key));
    }

    @Override
    public Optional<Instant> lastModified(String bucket, String key) throws IOException {
        try {
            return Optional.of(Files.getLastModifiedTime(path(bucket, key)).toInstant());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public int sweepTemporaries(Instant olderThan) throws IOException {
        return StaleTemporaries.sweep(root, Integer.MAX_VALUE, TMP_PREFIX, olderThan);
    }

    @Override
    public String describe() {
        return root.toUri().toString();
    }

    private static void setReadable(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    private Path path(String bucket, String key) {
        Path base = root.resolve(ObjectKeys.bucket(bucket));
        Path p = base.resolve(ObjectKeys.key(key)).normalize();
        if (!p.startsWith(base)) {
            throw new IllegalStateException("key escaped its bucket: " + key);
        }
        return p;
    }
}
