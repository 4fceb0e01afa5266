package dev.ksync.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.ksync.accounts.AccountId;
import dev.ksync.app.Ksync;
import dev.ksync.backfill.BackfillParams;
import dev.ksync.backfill.BackfillStatus;
import dev.ksync.config.AppConfig;
import dev.ksync.config.Secret;
import dev.ksync.dashboard.DashboardView;
import dev.ksync.error.KsyncException;
import dev.ksync.orchestrator.UpdateAnswer;
import dev.ksync.orchestrator.UpdateRequest;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.sandbox.SandboxServer;
import dev.ksync.sync.Mode;
import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.security.SecureRandom;
import java.text.NumberFormat;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Currency;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The whole product on embedded defaults: a Klaviyo sandbox (rate limits scaled up so a year of backfill takes
 * under a minute), embedded PostgreSQL, filesystem buckets and the server with its scheduler; registers a demo account, runs
 * a live nightly update and a 1-year backfill, and prints where to look (dashboard, backfill manager, secret).
 */
@Command(name = "demo", description = "Run ksync end to end on embedded defaults: Klaviyo sandbox (scaled rate"
        + " limits), embedded PostgreSQL, filesystem buckets, server; registers a demo account, runs a live nightly"
        + " update and a 1-year backfill, and prints the dashboard URL.")
public final class DemoCommand implements Callable<Integer> {
    static final String ACCOUNT = "demo";

    @Option(names = "--port", description = "Port for the server (default: PORT or 3000).")
    Integer port;

    @Option(names = "--profiles", description = "Profiles in the sandbox (default ${DEFAULT-VALUE}).",
            defaultValue = "5000")
    int profiles;

    @Option(names = "--rate-scale", description = "The sandbox serves Klaviyo's rate limits multiplied by this, and"
            + " ksync paces itself to match (default ${DEFAULT-VALUE}; 1 = Klaviyo's real limits, which make a year of"
            + " backfill take days).", defaultValue = "60")
    int rateScale;

    @Option(names = "--exit", description = "Print the dashboard's headline numbers and stop instead of serving.")
    boolean exit;

    @Override
    public Integer call() throws Exception {
        if (rateScale < 1) {
            throw KsyncException.badInput("--rate-scale", rateScale, "a whole number ≥ 1");
        }
        if (port != null) {
            PortOption.checked(port);
        }
        SandboxOptions sandboxOptions = SandboxCommand.checked(() -> SandboxOptions.defaults().withProfiles(profiles)
                .withRateLimits(rateScale == 1 ? RateLimitMode.REAL : RateLimitMode.scaled(rateScale)));
        // Until the server is up the demo's own lines tell the story; the services' INFO lines would bury them.
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level serving = root.getLevel();
        if (!CliLogging.levelChosen(System.getenv())) {
            root.setLevel(Level.WARN);
        }
        SandboxServer sandbox = SandboxServer.start(sandboxOptions);
        Map<String, String> env = new HashMap<>(System.getenv());
        // The demo's API needs an admin secret; make one up for this run when none is set.
        boolean generated = env.get("ADMIN_JOB_SECRET") == null || env.get("ADMIN_JOB_SECRET").isBlank();
        if (generated) {
            byte[] b = new byte[16];
            new SecureRandom().nextBytes(b);
            env.put("ADMIN_JOB_SECRET", "demo-" + HexFormat.of().formatHex(b));
        }
        env.put("KLAVIYO_ENABLE", "true");
        env.put("KLAVIYO_BASE_URL", sandbox.baseUrl());
        env.put("KLAVIYO_RATE_SCALE", Integer.toString(rateScale));
        AppConfig config = AppConfig.load(env);
        if (port != null) {
            config = config.withPort(port);
        } else if (env.get("PORT") == null && !PortOption.isFree(config.http().port())) {
            // the demo should just work: take any free port rather than fail on a busy default
            config = config.withPort(0);
        }
        Instant began = Instant.now();
        ServeCommand.Running running;
        try {
            // the sandbox stops in serve's one ordered stop, after the requests and scheduled work that call it
            running = ServeCommand.Running.start(config, true, sandbox::close);
        } catch (RuntimeException e) {
            sandbox.close();
            throw e;
        }
        Ksync ksync = running.ksync();

        AccountId demo = new AccountId(ACCOUNT);
        if (ksync.accounts().find(demo).isEmpty()) {
            ksync.accounts().add(demo, "Demo store (sandbox)", new Secret(sandbox.options().apiKey()));
        }
        System.out.println("Klaviyo sandbox at " + sandbox.baseUrl() + ": " + profiles + " profiles, rate limits "
                + (rateScale == 1 ? "real" : "scaled ×" + rateScale + " (Klaviyo's real limits ×" + rateScale
                + ", so a year of backfill takes under a minute)"));
        System.out.println("1/2 Live nightly update of account '" + ACCOUNT + "' (flows.csv, campaigns.csv,"
                + " subscribers.csv → snapshot) …");
        UpdateAnswer update = ksync.orchestrator().run(new UpdateRequest(Mode.LIVE, Optional.of(demo),
                Optional.empty(), Optional.empty(), false, Optional.empty(), null, Optional.empty()),
                new Progress.UpdateBars());
        if (update.status() / 100 != 2) {
            System.err.println("ksync demo: the update answered " + update.status() + ": " + update.text());
            running.stop();
            return 1;
        }
        System.out.println("    " + update.text());

        System.out.println("2/2 Backfill of the last year, day by day (orders, flow and campaign statistics) …");
        Instant backfillBegan = Instant.now();
        BackfillStatus status = backfill(ksync, demo);
        System.out.println("    backfill " + status.status() + " in " + Duration.between(backfillBegan, Instant.now())
                .toSeconds() + " s: " + status.daysCompleted() + "/" + status.daysTotal()
                + " days, " + status.json().path("counts").path("orders").asLong() + " orders, revenue "
                + status.json().path("revenue").asText() + " " + status.json().path("currency").asText(""));

        DashboardView d = ksync.dashboard().read(demo, Optional.empty(), Optional.empty());
        String url = running.url();
        String secret = config.http().adminJobSecret().orElseThrow().value();
        System.out.println();
        System.out.println("ksync demo is running at " + url + " (ready in "
                + Duration.between(began, Instant.now()).toSeconds() + " s)");
        System.out.println("  dashboard:         " + url + "/#account=" + ACCOUNT);
        System.out.println("  backfill manager:  " + url + "/static/backfill_manager.html");
        System.out.println("  API docs:          " + url + "/docs");
        System.out.println("  admin secret:      " + secret + (generated ? "   (generated for this run;" : "   (from"
                + " ADMIN_JOB_SECRET;") + " the pages ask for it once, the API takes it as x-admin-job-secret)");
        System.out.println("  database:          " + (ksync.database().isEmbedded() ? "embedded PostgreSQL in "
                + config.dataDir().resolve("pg") : "DATABASE_URL"));
        System.out.println("  Klaviyo sandbox:   " + sandbox.baseUrl() + " (rate limits "
                + (rateScale == 1 ? "real" : "scaled ×" + rateScale) + ", API key " + sandbox.options().apiKey() + ")");
        boolean numbers = headline(d);
        if (exit) {
            running.stop();
            return numbers && status.status().equals(BackfillStatus.COMPLETED) ? 0 : 1;
        }
        System.out.println("Press Ctrl+C to stop.");
        root.setLevel(serving); // the requests as they come
        running.awaitShutdown();
        return 0;
    }


    /**
     * Starts the 1-year backfill (the scheduler runs it) and follows it to its end: a bar on a terminal, and a line at
     * every tenth so a log or pipe shows progress too. A demo database that already holds it resumes or keeps it.
     */
    private static BackfillStatus backfill(Ksync ksync, AccountId demo) throws InterruptedException {
        BackfillParams params = new BackfillParams(1, true, false);
        Optional<BackfillStatus> before = ksync.backfill().store().status(demo);
        BackfillStatus s = before.filter(b -> b.status().equals(BackfillStatus.COMPLETED)
                || b.running()).orElseGet(() -> ksync.backfill().start(demo, params));
        // its own line at every tenth (stdout) shows the progress in a pipe; the bar only at a terminal
        boolean terminal = Progress.isTerminal();
        Progress bar = new Progress("backfill days", s.daysTotal(), Clock.systemUTC(),
                terminal ? System.err : new PrintStream(OutputStream.nullOutputStream()), terminal);
        int tenth = -1;
        while (true) {
            s = ksync.backfill().status(demo);
            bar.total(s.daysTotal());
            bar.accept(s.daysCompleted());
            int now = s.daysTotal() == 0 ? 0 : 10 * s.daysCompleted() / s.daysTotal();
            if (now != tenth) {
                tenth = now;
                System.out.println("    backfill: " + s.daysCompleted() + "/" + s.daysTotal() + " days ("
                        + (100 * s.daysCompleted() / Math.max(1, s.daysTotal())) + "%)");
            }
            if (!s.running()) {
                break;
            }
            Thread.sleep(250); // polls the scheduler's progress in PostgreSQL
        }
        bar.done();
        return s;
    }

    /** Prints the dashboard's headline numbers (last 90 days); false when they are all zero. */
    private static boolean headline(DashboardView d) {
        NumberFormat money = NumberFormat.getCurrencyInstance(Locale.US);
        try {
            money.setCurrency(Currency.getInstance(d.currency()));
        } catch (IllegalArgumentException e) {
            // an unknown code: keep dollars
        }
        NumberFormat count = NumberFormat.getIntegerInstance(Locale.US);
        DashboardView.SourceTotals all = d.totals().all();
        System.out.println("Dashboard, " + d.start() + " – " + d.end() + " (" + d.timezone() + "):");
        for (var e : Map.of("flows", d.totals().flows(), "campaigns", d.totals().campaigns(), "all", all)
                .entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
            DashboardView.SourceTotals t = e.getValue();
            System.out.printf(Locale.US, "  %-10s revenue %14s  orders %8s  delivered %10s  open rate %s  click rate"
                            + " %s%n", e.getKey(), money.format(t.revenue()), count.format(t.orders()),
                    count.format(t.delivered()), rate(t.openRate()), rate(t.clickRate()));
        }
        System.out.println("  subscribers " + count.format(d.totals().subscribersTotal()) + " (+"
                + count.format(d.totals().newSubscribers()) + " in the range)");
        d.topFlows().items().stream().findFirst().ifPresent(f -> System.out.println("  top flow:     " + f.name()
                + " (" + money.format(f.revenue()) + ")"));
        d.topCampaigns().items().stream().findFirst().ifPresent(c -> System.out.println("  top campaign: " + c.name()
                + " (" + money.format(c.revenue()) + ")"));
        return all.revenue().compareTo(BigDecimal.ZERO) > 0 && all.orders() > 0 && all.delivered() > 0
                && d.totals().subscribersTotal() > 0;
    }

    private static String rate(Optional<BigDecimal> r) {
        return r.map(v -> v.movePointRight(2).setScale(2, RoundingMode.HALF_UP) + "%").orElse("–");
    }
}
