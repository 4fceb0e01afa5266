package dev.ksync.db;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * The PostgreSQL programs (initdb, pg_ctl, postgres) of the bundled zonky binaries, unpacked once per user under
 * {@code ~/.cache/ksync/pg-<hash>}: a folder only its owner can write, unlike a shared /tmp, since ksync runs what is
 * there. ksync drives them itself (not through zonky's EmbeddedPostgres) because that class always initialises with
 * trust authentication and starts the server with fsync off.
 */
record PostgresBinaries(Path home) {

    static PostgresBinaries unpacked() {
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "ksync");
        try {
            Files.createDirectories(cache);
            Path archive = Files.createTempFile(cache, ".pg-", ".txz");
            try {
                String hash;
                try (InputStream in = resolve(); DigestInputStream digest = new DigestInputStream(in, sha256())) {
                    Files.copy(digest, archive, StandardCopyOption.REPLACE_EXISTING);
                    hash = HexFormat.of().formatHex(digest.getMessageDigest().digest()).substring(0, 16);
                }
                Path home = cache.resolve("pg-" + hash);
                if (!Files.isRegularFile(home.resolve("bin/postgres"))) {
                    unpack(archive, home);
                }
                return new PostgresBinaries(home);
            } finally {
                Files.deleteIfExists(archive);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not unpack the embedded PostgreSQL programs into " + cache, e);
        }
    }

    Path bin(String program) {
        return home.resolve("bin").resolve(program);
    }

    private static InputStream resolve() throws IOException {
        String arch = System.getProperty("os.arch");
        InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(os(), "amd64".equals(arch) ? "x86_64" : arch);
        if (in == null) {
            throw new IOException("no bundled PostgreSQL for " + os() + " " + arch);
        }
        return in;
    }

    private static String os() {
        String name = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        return name.contains("mac") ? "Darwin" : name.contains("win") ? "Windows" : "Linux";
    }

    /** Unpacks into a private sibling, then renames it into place, so a crash or a concurrent ksync never sees half. */
    private static void unpack(Path archive, Path home) throws IOException {
        Path tmp = Files.createTempDirectory(home.getParent(), ".unpack-");
        try {
            try (InputStream raw = Files.newInputStream(archive);
                    TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(raw))) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    Path target = tmp.resolve(entry.getName()).normalize();
                    if (!target.startsWith(tmp)) {
                        throw new IOException("archive entry escapes its folder: " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(target);
                    } else if (entry.isSymbolicLink() || entry.isLink()) {
                        Files.createDirectories(target.getParent());
                        Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                    } else {
                        Files.createDirectories(target.getParent());
                        Files.copy(tar, target);
                        if ((entry.getMode() & 0100) != 0 || entry.getName().matches("(\\./)?bin/.*")) {
                            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
                        }
                    }
                }
            }
            try {
                Files.move(tmp, home, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                // another ksync unpacked the same archive first: its copy is as good as ours
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot rename atomically in " + home.getParent(), e);
            }
        } finally {
            deleteTree(tmp);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
