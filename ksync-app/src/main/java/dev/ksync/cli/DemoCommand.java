package dev.ksync.cli;

import dev.ksync.config.AppConfig;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", description = "Run ksync on embedded defaults (embedded PostgreSQL, filesystem buckets) and"
        + " print where to find it.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--port", description = "Port for the server (default: PORT or 3000).")
    Integer port;

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> env = new HashMap<>(System.getenv());
        // The demo's API needs an admin secret; make one up for this run when none is set.
        boolean generated = env.get("ADMIN_JOB_SECRET") == null || env.get("ADMIN_JOB_SECRET").isBlank();
        if (generated) {
            byte[] b = new byte[16];
            new SecureRandom().nextBytes(b);
            env.put("ADMIN_JOB_SECRET", "demo-" + HexFormat.of().formatHex(b));
        }
        AppConfig config = AppConfig.load(env);
        if (port != null) {
            config = config.withPort(port);
        }
        ServeCommand.Running running = ServeCommand.Running.start(config);
        System.out.println("ksync demo is running at " + running.url());
        System.out.println("  data directory:   " + config.dataDir());
        System.out.println("  database:         " + (running.ksync().database().isEmbedded() ? "embedded PostgreSQL"
                : "DATABASE_URL"));
        System.out.println("  object store:     " + running.ksync().objectStore().describe());
        if (generated) {
            System.out.println("  admin secret:     " + config.http().adminJobSecret().orElseThrow().value()
                    + "   (generated for this run; send it as x-admin-job-secret)");
        }
        System.out.println("  try:              curl " + running.url() + "/ready");
        System.out.println("Press Ctrl+C to stop.");
        running.awaitShutdown();
        return 0;
    }
}
