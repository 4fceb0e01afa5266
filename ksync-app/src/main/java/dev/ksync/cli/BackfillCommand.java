package dev.ksync.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ksync.accounts.AccountId;
import dev.ksync.app.Ksync;
import dev.ksync.backfill.Backfill;
import dev.ksync.backfill.BackfillParams;
import dev.ksync.backfill.BackfillStatus;
import dev.ksync.config.AppConfig;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ksync backfill start|status|cancel|clear}: the historical backfill (PRODUCT.md §7) from the command line.
 * {@code start} runs the backfill in this process with a progress bar (a {@code ksync serve} node may share the
 * work), unless {@code --detach} leaves it to the servers' schedulers.
 */
@Command(name = "backfill", description = "Historical backfill of an account: campaigns, flows, their daily statistics"
        + " and orders, day by day into PostgreSQL.",
        subcommands = {BackfillCommand.Start.class, BackfillCommand.Status.class, BackfillCommand.Cancel.class,
                BackfillCommand.Clear.class})
public final class BackfillCommand {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);


    /** A subcommand printing its JSON to {@code stdout}. */
    abstract static class Sub extends EnvCommand {
        Sub() {}

        Sub(Map<String, String> env, PrintStream stdout) {
            super(env, stdout);
        }

        void print(Object value) throws Exception {
            stdout.println(JSON.writeValueAsString(value));
        }
    }

    @Command(name = "start", description = "Start (or retry) an account's backfill and wait for it with a progress bar."
            + " A retry of a failed or cancelled backfill with the same options resumes where it stopped.")
    static final class Start extends Sub {
        @Parameters(index = "0", paramLabel = "ACCOUNT", description = "Account id")
        String account;

        @Option(names = "--years", defaultValue = "1", description = "Years back from yesterday (1-10; default 1).")
        int years;

        @Option(names = "--no-orders", description = "Leave out the orders (Placed Order events).")
        boolean noOrders;

        @Option(names = "--test", description = "Only the 7 days ending yesterday (test mode).")
        boolean test;

        @Option(names = "--detach", description = "Return once started; a ksync serve node runs it.")
        boolean detach;

        Start() {}

        Start(Map<String, String> env, PrintStream stdout) {
            super(env, stdout);
        }

        @Override
        public Integer call() throws Exception {
            AccountId id = AccountId.of("ACCOUNT", account);
            BackfillParams params = new BackfillParams(years, !noOrders, test);
            AppConfig config = KlaviyoEnable.require(AppConfig.load(env), "ksync backfill start");
            try (Ksync ksync = Ksync.start(config)) {
                BackfillStatus started = ksync.backfill().start(id, params);
                if (detach) {
                    print(started);
                    return 0;
                }
                Progress bar = new Progress("days", started.daysTotal());
                Instant[] again = {null};
                RuntimeException[] failure = {null};
                Thread worker = Thread.ofVirtual().start(() -> {
                    try {
                        again[0] = ksync.backfill().work(id);
                    } catch (RuntimeException e) {
                        failure[0] = e;
                    }
                });
                BackfillStatus now = started;
                while (worker.isAlive()) {
                    now = ksync.backfill().status(id);
                    bar.accept(now.daysCompleted());
                    worker.join(500);
                }
                if (failure[0] != null) throw failure[0];
                now = ksync.backfill().status(id);
                bar.accept(now.daysCompleted());
                bar.done();
                print(now);
                if (again[0] != null) {
                    String reason = now.json().path("waiting").path("reason").asText();
                    boolean outage = Backfill.KLAVIYO_UNAVAILABLE.equals(reason);
                    System.err.println("Waiting for " + (outage ? "Klaviyo to answer again" : "the report quota")
                            + " until " + again[0] + "; a ksync serve node goes on then (or run this again)");
                    return 0;
                }
                return now.status().equals(BackfillStatus.COMPLETED) ? 0 : 1;
            }
        }
    }

    @Command(name = "status", description = "An account's backfill status, or every account's.")
    static final class Status extends Sub {
        @Parameters(index = "0", arity = "0..1", paramLabel = "ACCOUNT", description = "Account id (default: all)")
        String account;

        Status() {}

        Status(Map<String, String> env, PrintStream stdout) {
            super(env, stdout);
        }

        @Override
        public Integer call() throws Exception {
            try (Ksync ksync = start()) {
                print(account == null ? Map.of("clients", ksync.backfill().statuses())
                        : ksync.backfill().status(AccountId.of("ACCOUNT", account)));
            }
            return 0;
        }
    }

    @Command(name = "cancel", description = "Cancel a running backfill at its next day boundary.")
    static final class Cancel extends Sub {
        @Parameters(index = "0", paramLabel = "ACCOUNT", description = "Account id")
        String account;

        @Override
        public Integer call() throws Exception {
            try (Ksync ksync = start()) {
                print(ksync.backfill().cancel(AccountId.of("ACCOUNT", account)));
            }
            return 0;
        }
    }

    @Command(name = "clear", description = "Delete an account's backfill status and every row it stored.")
    static final class Clear extends Sub {
        @Parameters(index = "0", paramLabel = "ACCOUNT", description = "Account id")
        String account;

        @Override
        public Integer call() throws Exception {
            try (Ksync ksync = start()) {
                AccountId id = AccountId.of("ACCOUNT", account);
                ksync.backfill().clear(id);
                print(Map.of("client_id", id.value(), "cleared", true));
            }
            return 0;
        }
    }
}
