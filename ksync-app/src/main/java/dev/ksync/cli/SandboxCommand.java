package dev.ksync.cli;

import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.sandbox.SandboxServer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "sandbox", description = "Serve the Klaviyo simulator (deterministic data, Klaviyo's spec, rate"
        + " limits, faults) until stopped.")
public final class SandboxCommand implements Callable<Integer> {
    @Option(names = "--port", description = "Port (default ${DEFAULT-VALUE}; 0 = any free port).", defaultValue = "8090")
    int port;

    @Option(names = "--seed", description = "Seed of the generated data (default ${DEFAULT-VALUE}).", defaultValue = "42")
    long seed;

    @Option(names = "--profiles", description = "Number of profiles (default ${DEFAULT-VALUE}).", defaultValue = "5000")
    int profiles;

    @Option(names = "--history-days", description = "Days of event history (default ${DEFAULT-VALUE}).",
            defaultValue = "730")
    int historyDays;

    @Option(names = "--api-key", description = "The private API key the sandbox accepts (default ${DEFAULT-VALUE}).",
            defaultValue = "pk_sandbox")
    String apiKey;

    @Option(names = "--rate-limits", description = "real | off | scaled:N (default ${DEFAULT-VALUE}).",
            defaultValue = "real")
    String rateLimits;

    @Option(names = "--latency-ms", description = "Added delay per answer (default ${DEFAULT-VALUE}).", defaultValue = "0")
    int latencyMs;

    @Option(names = "--faults", description = "Fraction of answers that fail like a stressed Klaviyo, 0.0-1.0"
            + " (default ${DEFAULT-VALUE}).", defaultValue = "0.0")
    double faults;

    @Option(names = "--currency", description = "The account's currency, that of its orders too (ISO 4217;"
            + " default ${DEFAULT-VALUE}).", defaultValue = SandboxOptions.DEFAULT_CURRENCY)
    String currency;

    @Option(names = "--trail-days", description = "Days after a campaign's send over which its opens, clicks and"
            + " orders spread, as Klaviyo keeps attributing them (default ${DEFAULT-VALUE}: all on the send day).",
            defaultValue = "" + SandboxOptions.DEFAULT_TRAIL_DAYS)
    int trailDays;

    @Option(names = "--timezone", description = "The account's timezone, an IANA id such as America/Los_Angeles"
            + " (default: one the seed picks).")
    String timezone;

    @Override
    public Integer call() throws InterruptedException {
        SandboxOptions options = checked(() -> new SandboxOptions(PortOption.checked(port), seed, profiles,
                historyDays, apiKey, RateLimitMode.parse(rateLimits), latencyMs, faults, currency, trailDays, timezone));
        if (!PortOption.isFree(port)) {
            throw PortOption.inUse(port, "--port");
        }
        Instant t0 = Instant.now();
        SandboxServer server;
        try {
            server = SandboxServer.start(options);
        } catch (io.javalin.util.JavalinBindException e) { // taken since the check
            throw PortOption.inUse(port, "--port");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "sandbox-shutdown"));
        System.out.println(server.baseUrl());
        System.err.printf("Klaviyo sandbox: %d profiles, seed %d, %d days of history, rate limits %s, currency %s,"
                        + " timezone %s, trail days %d; started in %d ms. API key: %s%n", profiles, seed, historyDays,
                rateLimits, currency, server.data().timezone(), trailDays, Duration.between(t0, Instant.now()).toMillis(),
                apiKey);
        stopped.await();
        return 0;
    }

    /**
     * The options {@code make} builds; SandboxOptions refuses a bad value with a message that starts with the option's
     * own name ({@code profiles must be 1..50000000, got 0}), so the refusal becomes a bad input naming
     * {@code --profiles} (exit 2), as every command's bad value does.
     */
    private static final Pattern OPTION_FIRST = Pattern.compile("([a-z]+(?:-[a-z]+)*) (?:must|is) ");

    static SandboxOptions checked(Supplier<SandboxOptions> make) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            String m = e.getMessage() == null ? "invalid sandbox option" : e.getMessage();
            Matcher named = OPTION_FIRST.matcher(m);
            if (!named.lookingAt()) { // another refusal (e.g. --rate-limits' parser) already words itself
                throw new KsyncException(ErrorKind.BAD_INPUT, "invalid_option", m, Map.of());
            }
            String option = "--" + named.group(1);
            throw new KsyncException(ErrorKind.BAD_INPUT, "invalid_option", option + m.substring(named.end(1)),
                    Map.of("field", option));
        }
    }
}
