package dev.ksync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A {@code ksync} command in its own JVM, on the test's classpath, with its own data directory and environment. */
final class ChildKsync implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("ksync listening on (http://\\S+)");
    /** JVM options of a child that logs as ksync ships (logback.xml), not as the tests do (logback-test.xml). */
    static final List<String> SHIPPED_LOGGING = List.of("-Dlogback.configurationFile=logback.xml");
    final Process process;
    final Path dataDir;
    final Path log;
    final String url;

    private ChildKsync(Process process, Path dataDir, Path log, String url) {
        this.process = process;
        this.dataDir = dataDir;
        this.log = log;
        this.url = url;
    }

    static ChildKsync serve(Path dataDir, Map<String, String> env) throws Exception {
        Path log = Files.createTempFile(dataDir, "serve-", ".log");
        Process p = builder(dataDir, env, List.of(), "serve", "--port", "0").redirectOutput(log.toFile()).start();
        String[] url = {null};
        try {
            await("ksync serve to listen", Duration.ofSeconds(180), () -> {
                if (!p.isAlive()) {
                    throw new AssertionError("ksync serve exited with " + p.exitValue() + ":\n" + read(log));
                }
                Matcher m = LISTENING.matcher(read(log));
                url[0] = m.find() ? m.group(1) : null;
                return url[0] != null;
            });
        } catch (AssertionError | InterruptedException e) {
            p.destroyForcibly();
            throw e;
        }
        return new ChildKsync(p, dataDir, log, url[0]);
    }

    /** Starts a long-running command and waits until its output matches {@code ready}; returns it and the match. */
    static ChildKsync start(Path dataDir, Map<String, String> env, Pattern ready, String... args) throws Exception {
        return start(dataDir, env, List.of(), ready, args);
    }

    /** {@link #start(Path, Map, Pattern, String...)} with options for the child's JVM. */
    static ChildKsync start(Path dataDir, Map<String, String> env, List<String> jvmOptions, Pattern ready,
            String... args) throws Exception {
        Path log = Files.createTempFile(dataDir, "child-", ".log");
        Process p = builder(dataDir, env, jvmOptions, args).redirectOutput(log.toFile()).start();
        String[] found = {null};
        try {
            await(String.join(" ", args) + " to be ready", Duration.ofSeconds(180), () -> {
                if (!p.isAlive()) {
                    throw new AssertionError("ksync " + args[0] + " exited with " + p.exitValue() + ":\n" + read(log));
                }
                Matcher m = ready.matcher(read(log));
                found[0] = m.find() ? m.group(1) : null;
                return found[0] != null;
            });
        } catch (AssertionError | InterruptedException e) {
            p.destroyForcibly();
            throw e;
        }
        return new ChildKsync(p, dataDir, log, found[0]);
    }

    /** Starts a command and returns at once (the caller polls what it brings about). */
    static ChildKsync launch(Path dataDir, Map<String, String> env, String... args) throws IOException {
        Path log = Files.createTempFile(dataDir, "child-", ".log");
        Process p = builder(dataDir, env, List.of(), args).redirectOutput(log.toFile()).start();
        return new ChildKsync(p, dataDir, log, null);
    }

    /** The output so far. */
    String output() {
        return read(log);
    }

    /** What a command that ran to its end left: its exit code and its output (stdout and stderr). */
    record Finished(int exitCode, String output) {}

    static Finished finish(Path dataDir, Map<String, String> env, String... args) throws Exception {
        return finish(dataDir, env, List.of(), args);
    }

    /** {@link #finish(Path, Map, String...)} with options for the child's JVM. */
    static Finished finish(Path dataDir, Map<String, String> env, List<String> jvmOptions, String... args)
            throws Exception {
        Path log = Files.createTempFile(dataDir, "cmd-", ".log");
        Process p = builder(dataDir, env, jvmOptions, args).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("finished").isTrue();
        return new Finished(p.exitValue(), read(log));
    }

    /** Runs a short command to its end and checks it succeeded. */
    static void run(Path dataDir, Map<String, String> env, String... args) throws Exception {
        Finished f = finish(dataDir, env, args);
        assertThat(f.exitCode()).as(f.output()).isZero();
    }

    private static ProcessBuilder builder(Path dataDir, Map<String, String> env, List<String> jvmOptions,
            String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.ksync.app.Main"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> e = pb.environment();
        e.remove("DATABASE_URL"); // the embedded server under test, never an outside one
        e.put("KSYNC_DATA_DIR", dataDir.toString());
        e.putAll(env);
        return pb;
    }

    void kill9() throws InterruptedException {
        process.destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    /** SIGSTOP: the process stays, doing nothing (its connections open) until {@link #resume}. */
    void suspend() throws Exception {
        signal("STOP");
    }

    /** SIGCONT after {@link #suspend}. */
    void resume() throws Exception {
        signal("CONT");
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
        assertThat(kill.waitFor(30, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -" + name).isTrue();
    }

    /** SIGTERM, as a service manager or Ctrl-C would stop it: the shutdown hooks run. */
    void stop() throws InterruptedException {
        process.destroy();
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("stopped within 90 s:\n" + read(log)).isTrue();
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }

    /** Polls a condition a child process brings about (no fixed sleep stands in for it). */
    static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
