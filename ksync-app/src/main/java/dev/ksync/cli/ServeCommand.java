package dev.ksync.cli;

import dev.ksync.app.Ksync;
import dev.ksync.config.AppConfig;
import dev.ksync.error.KsyncException;
import dev.ksync.http.HttpApi;
import io.javalin.Javalin;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", description = "Run the HTTP API and this node's share of the scheduled work until stopped.")
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--port", description = "Port to listen on (default: PORT or 3000).")
    Integer port;

    @Option(names = "--no-scheduler", description = "Serve HTTP only: run no scheduled work on this node (other nodes"
            + " on the same database do).")
    boolean noScheduler;

    @Override
    public Integer call() throws InterruptedException {
        if (port != null) {
            PortOption.checked(port);
        }
        AppConfig config = AppConfig.fromSystemEnv();
        if (port != null) {
            config = config.withPort(port);
        }
        Running running = Running.start(config, !noScheduler);
        System.out.println("ksync listening on " + running.url());
        System.out.println(noScheduler ? "scheduler off on this node (--no-scheduler)"
                : "scheduler on: " + config.schedules().threads() + " thread(s), nightly `" + config.schedules().nightly()
                        + "`, cleanup `" + config.schedules().cleanup() + "` (UTC)");
        running.awaitShutdown();
        return 0;
    }

    /**
     * A started server and its services, stopped together on JVM shutdown; {@code beside} is what else the process
     * runs for them (the demo's Klaviyo sandbox), stopped in the same order once no request or scheduled work uses it.
     */
    record Running(Ksync ksync, Javalin app, Runnable beside, CountDownLatch stopped) {
        static Running start(AppConfig config, boolean scheduler) {
            return start(config, scheduler, () -> {});
        }

        static Running start(AppConfig config, boolean scheduler, Runnable beside) {
            requireFreePort(config.http().port());
            Ksync ksync = Ksync.start(config);
            Javalin app;
            try {
                app = new HttpApi(ksync).create().start(config.http().port());
            } catch (io.javalin.util.JavalinBindException e) {
                ksync.close();
                throw portInUse(config.http().port());
            } catch (RuntimeException e) {
                ksync.close();
                throw e;
            }
            Running r = new Running(ksync, app, beside, new CountDownLatch(1));
            // One hook owns the whole order, the database last: the embedded PostgreSQL's own hook would run beside
            // it and stop the database under the requests and scheduled work still draining.
            Runtime.getRuntime().addShutdownHook(new Thread(r::stop, "ksync-shutdown"));
            ksync.database().stopOnlyOnClose();
            if (scheduler) {
                ksync.scheduler().start();
            }
            return r;
        }

        /** Checked before the database starts, so a busy port fails fast with one clear line. */
        private static void requireFreePort(int port) {
            if (!PortOption.isFree(port)) {
                throw portInUse(port);
            }
        }

        private static KsyncException portInUse(int port) {
            return PortOption.inUse(port, "PORT or --port");
        }

        String url() {
            return "http://localhost:" + app.port();
        }

        /**
         * The HTTP drain and the scheduled work's stop run side by side (each at most about 20 s), so a node stops
         * within a 30 s kill grace period; what they use stops after both: {@code beside}, then the services, the
         * database (and the embedded PostgreSQL) last. What the shutdown hook runs.
         */
        void stop() {
            try {
                Thread http = Thread.ofPlatform().name("ksync-http-drain").start(app::stop);
                ksync.scheduler().close();
                try {
                    http.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } finally {
                try {
                    beside.run();
                } finally {
                    ksync.close();
                    stopped.countDown();
                }
            }
        }

        void awaitShutdown() throws InterruptedException {
            stopped.await();
        }
    }
}
