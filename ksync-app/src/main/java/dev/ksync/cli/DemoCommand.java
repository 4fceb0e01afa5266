package dev.ksync.cli;

import dev.ksync.accounts.AccountId;
import dev.ksync.audience.AudienceRequest;
import dev.ksync.audience.AudienceResult;
import dev.ksync.audience.AudienceSchema;
import dev.ksync.audience.EnrichmentReport;
import dev.ksync.config.AppConfig;
import dev.ksync.config.Secret;
import dev.ksync.klaviyo.stats.CallStats;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.sandbox.SandboxServer;
import dev.ksync.sync.Mode;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The main job on embedded defaults: a Klaviyo sandbox, embedded PostgreSQL, filesystem buckets and the server; it
 * registers a demo account and runs a live audience sync against the sandbox, then keeps serving.
 */
@Command(name = "demo", description = "Run ksync end to end on embedded defaults: Klaviyo sandbox, embedded"
        + " PostgreSQL, filesystem buckets, server; registers a demo account and syncs its subscribers.")
public final class DemoCommand implements Callable<Integer> {
    static final String ACCOUNT = "demo";

    @Option(names = "--port", description = "Port for the server (default: PORT or 3000).")
    Integer port;

    @Option(names = "--profiles", description = "Profiles in the sandbox (default ${DEFAULT-VALUE}).",
            defaultValue = "5000")
    int profiles;

    @Option(names = "--exit", description = "Stop after the demo run instead of serving.")
    boolean exit;

    @Override
    public Integer call() throws Exception {
        SandboxServer sandbox = SandboxServer.start(SandboxOptions.defaults().withProfiles(profiles));
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
        AppConfig config = AppConfig.load(env);
        if (port != null) {
            config = config.withPort(port);
        } else if (env.get("PORT") == null && !ServeCommand.Running.isFree(config.http().port())) {
            // the demo should just work: take any free port rather than fail on a busy default
            config = config.withPort(0);
        }
        ServeCommand.Running running = ServeCommand.Running.start(config, true);
        Runtime.getRuntime().addShutdownHook(new Thread(sandbox::close, "sandbox-shutdown"));

        AccountId demo = new AccountId(ACCOUNT);
        if (running.ksync().accounts().find(demo).isEmpty()) {
            running.ksync().accounts().add(demo, "Demo store (sandbox)", new Secret(sandbox.options().apiKey()));
        }
        System.out.println("Syncing subscribers of account '" + ACCOUNT + "' from the Klaviyo sandbox …");
        AudienceRequest request = AudienceRequest.builder().mode(Mode.LIVE).source(AudienceRequest.Source.KLAVIYO)
                .schema(AudienceSchema.REQUIRED).accountId(demo).enrichEvents(true).build();
        Progress progress = new Progress("profiles scanned", profiles);
        AudienceResult r = running.ksync().audience().live(request, progress);
        progress.done();
        Path csv = config.storage().s3().isPresent() ? null
                : config.dataDir().resolve("buckets").resolve(r.bucket()).resolve(r.key());

        System.out.println();
        System.out.println("ksync demo is running at " + running.url());
        System.out.println("  Klaviyo sandbox:  " + sandbox.baseUrl() + " (" + profiles + " profiles, API key "
                + sandbox.options().apiKey() + ")");
        System.out.println("  subscribers.csv:  " + (csv != null ? csv : r.bucket() + "/" + r.key()) + "  (" + r.rows()
                + " rows, " + r.bytes() + " bytes, sha256 " + r.sha256().substring(0, 12) + "…)");
        System.out.println("  Klaviyo calls:    " + callSummary(r));
        System.out.println("  database:         " + (running.ksync().database().isEmbedded() ? "embedded PostgreSQL in "
                + config.dataDir().resolve("pg") : "DATABASE_URL"));
        if (generated) {
            System.out.println("  admin secret:     " + config.http().adminJobSecret().orElseThrow().value()
                    + "   (generated for this run; send it as x-admin-job-secret)");
        }
        System.out.println("  try:              curl " + running.url() + "/api/accounts -H 'x-admin-job-secret: "
                + config.http().adminJobSecret().orElseThrow().value() + "'");
        if (exit) {
            running.stop();
            sandbox.close();
            return 0;
        }
        System.out.println("Press Ctrl+C to stop.");
        running.awaitShutdown();
        return 0;
    }

    private static String callSummary(AudienceResult r) {
        CallStats calls = r.diagnostics().klaviyoCalls();
        String total = calls == null ? "none" : calls.total().calls() + " calls";
        EnrichmentReport e = r.diagnostics().enrichment();
        if (e != null) {
            total += "; enrichment plan " + e.plan() + " (" + e.planCalls() + " calls; the other plan ≈ "
                    + e.otherPlanEstimatedCalls() + ")";
        }
        return total;
    }
}
