package dev.ksync.cli;

import dev.ksync.accounts.Account;
import dev.ksync.accounts.AccountId;
import dev.ksync.accounts.AccountService;
import dev.ksync.app.Ksync;
import dev.ksync.config.Secret;
import dev.ksync.error.KsyncException;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "accounts", description = "Register, list, re-key, enable, disable and remove Klaviyo accounts.",
        subcommands = {AccountsCommand.Add.class, AccountsCommand.ListAccounts.class, AccountsCommand.SetKey.class,
                AccountsCommand.Enable.class, AccountsCommand.Disable.class, AccountsCommand.Remove.class})
public final class AccountsCommand {
    /** How an account is registered, as the commands point to it. */
    private static final String ADD = "ksync accounts add ID --name NAME < keyfile";

    /** A subcommand that starts ksync on its environment. */
    abstract static class AccountCommand extends EnvCommand {
        AccountCommand() {}

        AccountCommand(Map<String, String> env, PrintStream stdout) {
            super(env, stdout);
        }
    }

    /**
     * A subcommand that stores an account's Klaviyo key, read from the variable {@code --key-env} names, else typed
     * at the terminal (not echoed), else the first line of stdin; never from the command line, where it would stay
     * in the shell's history and the process list.
     */
    abstract static class KeyCommand extends AccountCommand {
        @Parameters(index = "0", description = "Account id: " + AccountId.ALLOWED)
        String id;

        @Option(names = "--key-env", paramLabel = "VAR", description = "Read the key from this environment variable.")
        String keyEnv;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        private final InputStream stdin;
        private final Console console;

        KeyCommand() {
            this.stdin = System.in;
            this.console = System.console();
        }

        /** @param console the terminal to ask on, or null to read {@code stdin} */
        KeyCommand(Map<String, String> env, PrintStream stdout, InputStream stdin, Console console) {
            super(env, stdout);
            this.stdin = stdin;
            this.console = console;
        }

        /** Stores the key; what to print. */
        abstract String store(AccountService accounts, AccountId accountId, Secret key);

        @Override
        public Integer call() throws IOException {
            AccountId accountId = AccountId.of("id", id);
            Secret key = readKey();
            try (Ksync ksync = start()) {
                stdout.println(store(ksync.accounts(), accountId, key));
            }
            return 0;
        }

        private Secret readKey() throws IOException {
            if (keyEnv != null) {
                String v = env.get(keyEnv);
                if (v == null || v.isBlank()) {
                    throw KsyncException.badInput("--key-env", keyEnv, "the name of a set environment variable");
                }
                return new Secret(v.strip());
            }
            String line;
            if (console != null) {
                char[] typed = console.readPassword("Klaviyo private API key: ");
                line = typed == null ? null : new String(typed);
            } else {
                line = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
            }
            if (line == null || line.isBlank()) {
                // OptionNames says where the key goes, as for every missing key
                throw KsyncException.badInput("klaviyoApiKey", null, "a Klaviyo private API key");
            }
            return new Secret(line.strip());
        }
    }

    @Command(name = "add", description = "Register an account. The Klaviyo private API key is read from stdin, or from"
            + " the environment variable named by --key-env; never from the command line.")
    static final class Add extends KeyCommand {
        @Option(names = "--name", description = "Display name (default: the id).")
        String name;

        Add() {}

        Add(Map<String, String> env, PrintStream stdout, InputStream stdin, Console console) {
            super(env, stdout, stdin, console);
        }

        @Override
        String store(AccountService accounts, AccountId accountId, Secret key) {
            Account a = accounts.add(accountId, name, key);
            return "added " + a.id() + " (" + a.name() + "), key …" + a.apiKeyLast4();
        }
    }

    @Command(name = "set-key", description = "Replace an account's Klaviyo private API key, keeping its data, backfill"
            + " history and settings. The key is read as by add: from stdin, or the variable named by --key-env.")
    static final class SetKey extends KeyCommand {
        SetKey() {}

        SetKey(Map<String, String> env, PrintStream stdout, InputStream stdin, Console console) {
            super(env, stdout, stdin, console);
        }

        @Override
        String store(AccountService accounts, AccountId accountId, Secret key) {
            Account a = accounts.setKey(accountId, key)
                    .orElseThrow(() -> AccountService.notRegistered(accountId, "add it with: " + ADD));
            return "replaced the key of " + a.id() + ", now key …" + a.apiKeyLast4();
        }
    }

    @Command(name = "list", description = "List registered accounts (keys show only their last 4 characters).")
    static final class ListAccounts extends AccountCommand {
        @Override
        public Integer call() {
            try (Ksync ksync = start()) {
                var accounts = ksync.accounts().list();
                if (accounts.isEmpty()) {
                    stdout.println("no accounts; add one with: " + ADD);
                }
                for (Account a : accounts) {
                    stdout.printf("%-24s %-30s key …%s %s%n", a.id(), a.name(), a.apiKeyLast4(),
                            a.enabled() ? "enabled" : "disabled");
                }
            }
            return 0;
        }
    }

    @Command(name = "enable", description = "Include the account in the nightly update (new accounts are enabled).")
    static final class Enable extends AccountCommand {
        @Parameters(index = "0", description = "Account id.")
        String id;

        Enable() {}

        Enable(Map<String, String> env, PrintStream stdout) {
            super(env, stdout);
        }

        @Override
        public Integer call() {
            return setEnabled(this, id, true);
        }
    }

    @Command(name = "disable", description = "Leave the account out of the nightly update (its data stays).")
    static final class Disable extends AccountCommand {
        @Parameters(index = "0", description = "Account id.")
        String id;

        Disable() {}

        Disable(Map<String, String> env, PrintStream stdout) {
            super(env, stdout);
        }

        @Override
        public Integer call() {
            return setEnabled(this, id, false);
        }
    }

    private static int setEnabled(AccountCommand command, String id, boolean enabled) {
        AccountId accountId = AccountId.of("id", id);
        try (Ksync ksync = command.start()) {
            ksync.accounts().setEnabled(accountId, enabled)
                    .orElseThrow(() -> AccountService.notRegistered(accountId, "add it with: " + ADD));
            command.stdout.println((enabled ? "enabled " : "disabled ") + accountId);
        }
        return 0;
    }

    @Command(name = "remove")
    static final class Remove extends AccountCommand {
        /** The help names what stays as the removal's answer does ({@link AccountService.Removal#KEPT}). */
        @Spec
        void describe(CommandSpec spec) {
            spec.usageMessage().description("Remove an account, and with it its backfill history and nightly run"
                    + " records (its " + AccountService.Removal.keptText() + " stay). An account with backfill"
                    + " history is removed only with --yes; to change a key, use set-key instead.");
        }

        @Parameters(index = "0", description = "Account id.")
        String id;

        @Option(names = "--yes", description = "Remove it even though its backfill history goes with it.")
        boolean yes;

        Remove() {}

        Remove(Map<String, String> env, PrintStream stdout) {
            super(env, stdout);
        }

        @Override
        public Integer call() {
            AccountId accountId = AccountId.of("id", id);
            try (Ksync ksync = start()) {
                AccountService.Removal r = ksync.accounts().remove(accountId, yes)
                        .orElseThrow(() -> AccountService.notRegistered(accountId, "nothing was removed"));
                stdout.println("removed " + accountId + (r.hasBackfill() ? " with its " + r.backfillText() : "")
                        + " and " + r.nightlyRuns() + " nightly run record(s); its "
                        + AccountService.Removal.keptText() + " stay");
            }
            return 0;
        }
    }
}
