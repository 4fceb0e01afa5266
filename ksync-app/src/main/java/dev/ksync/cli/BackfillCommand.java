package dev.ksync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ksync.accounts.AccountId;
import dev.ksync.app.Ksync;
import dev.ksync.backfill.Backfill;
import dev.ksync.backfill.BackfillParams;
import dev.ksync.backfill.BackfillStatus;
import dev.ksync.config.AppConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ksync backfill start|status|cancel|clear}: the historical backfill (PRODUCT.md §7) from the command line.
 * {@code start} runs the backfill in this process with a progress bar, or follows it with the bar while a
 * {@code ksync serve} node runs it (one process works a backfill at a time; should that node die, it goes on with the
 * backfill here), unless {@code --detach} leaves it to the servers' schedulers.
 */
@Command(name = "backfill", description = "Historical backfill of an account: campaigns, flows, their daily statistics"
        + " and orders, day by day into PostgreSQL.",
        subcommands = {BackfillCommand.Start.class, BackfillCommand.Status.class, BackfillCommand.Cancel.class,
                BackfillCommand.Clear.class})
public final class BackfillCommand {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** How often {@code start} reads the status for its bar. */
    private static final Duration FOLLOW_EVERY = Duration.ofMillis(500);


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
            working("backfill start", Optional.of(id));
            try (Ksync ksync = Ksync.start(config)) {
                BackfillStatus started = ksync.backfill().start(id, params);
                if (detach) {
                    print(started);
                    return 0;
                }
                Progress bar = new Progress("days", started.daysTotal());
                Backfill.Attempt attempt = workHere(ksync, id, bar, () -> { });
                if (!attempt.ran()) {
                    bar.say("A ksync serve node is running this backfill; following its progress here");
                }
                BackfillStatus now = follow(ksync, id, bar);
                bar.done();
                print(now);
                JsonNode waiting = now.json().path("waiting");
                if (now.running()) {
                    boolean outage = Backfill.KLAVIYO_UNAVAILABLE.equals(waiting.path("reason").asText());
                    System.err.println("Waiting for " + (outage ? "Klaviyo to answer again" : "the report quota")
                            + " until " + waiting.path("until").asText()
                            + "; a ksync serve node goes on then");
                    return 0;
                }
                return now.status().equals(BackfillStatus.COMPLETED) ? 0 : 1;
            }
        }

        /**
         * The backfill's work in this process (unless another works it), the bar following its days meanwhile;
         * {@code working} is told when this process starts working it.
         */
        private static Backfill.Attempt workHere(Ksync ksync, AccountId id, Progress bar, Runnable working)
                throws InterruptedException {
            Backfill.Attempt[] attempt = {null};
            RuntimeException[] failure = {null};
            Thread worker = Thread.ofVirtual().start(() -> {
                try {
                    attempt[0] = ksync.backfill().attempt(id, working);
                } catch (RuntimeException e) {
                    failure[0] = e;
                }
            });
            while (worker.isAlive()) {
                bar.accept(ksync.backfill().status(id).daysCompleted());
                worker.join(FOLLOW_EVERY);
            }
            if (failure[0] != null) throw failure[0];
            return attempt[0];
        }

        /**
         * The status once the backfill ended or waits (its {@code waiting} set). Another process may still be working
         * it (a ksync serve node held it, or this process's run stopped while it was still in progress): the bar
         * follows its days until then. When nobody works it any more while it is still in progress (its node stopped
         * or was killed), this process takes it over and goes on from its next day.
         */
        private static BackfillStatus follow(Ksync ksync, AccountId id, Progress bar) throws InterruptedException {
            BackfillStatus now = ksync.backfill().status(id);
            while (now.running() && !now.json().path("waiting").isObject()) {
                bar.accept(now.daysCompleted());
                Thread.sleep(FOLLOW_EVERY);
                // the worker lock is free only when no process works it: a dead node's went with its connection
                workHere(ksync, id, bar, () -> bar.say("The process running this backfill stopped;"
                        + " this command goes on with it from where it stopped"));
                now = ksync.backfill().status(id);
            }
            bar.accept(now.daysCompleted());
            return now;
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
