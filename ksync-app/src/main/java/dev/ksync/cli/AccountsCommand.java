package dev.ksync.cli;

import dev.ksync.accounts.Account;
import dev.ksync.accounts.AccountId;
import dev.ksync.app.Ksync;
import dev.ksync.config.AppConfig;
import dev.ksync.config.Secret;
import dev.ksync.error.KsyncException;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "accounts", description = "Register, list, enable, disable and remove Klaviyo accounts.",
        subcommands = {AccountsCommand.Add.class, AccountsCommand.ListAccounts.class, AccountsCommand.Enable.class,
                AccountsCommand.Disable.class, AccountsCommand.Remove.class})
public final class AccountsCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "add", description = "Register an account. The Klaviyo private API key is read from stdin, or from"
            + " the environment variable named by --key-env; never from the command line.")
    static final class Add implements Callable<Integer> {
        @Parameters(index = "0", description = "Account id: " + AccountId.ALLOWED)
        String id;

        @Option(names = "--name", description = "Display name (default: the id).")
        String name;

        @Option(names = "--key-env", paramLabel = "VAR", description = "Read the key from this environment variable.")
        String keyEnv;

        @Override
        public Integer call() throws IOException {
            AccountId accountId = AccountId.of("id", id);
            Secret key = readKey();
            try (Ksync ksync = Ksync.start(AppConfig.fromSystemEnv())) {
                Account a = ksync.accounts().add(accountId, name, key);
                System.out.println("added " + a.id() + " (" + a.name() + "), key …" + a.apiKeyLast4());
            }
            return 0;
        }

        private Secret readKey() throws IOException {
            if (keyEnv != null) {
                String v = System.getenv(keyEnv);
                if (v == null || v.isBlank()) {
                    throw KsyncException.badInput("--key-env", keyEnv, "the name of a set environment variable");
                }
                return new Secret(v.strip());
            }
            Console console = System.console();
            String line;
            if (console != null) {
                char[] typed = console.readPassword("Klaviyo private API key: ");
                line = typed == null ? null : new String(typed);
            } else {
                line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            }
            if (line == null || line.isBlank()) {
                throw KsyncException.badInput("klaviyoApiKey", null,
                        "the key on stdin (echo \"$KEY\" | ksync accounts add ID) or --key-env VAR");
            }
            return new Secret(line.strip());
        }
    }

    @Command(name = "list", description = "List registered accounts (keys show only their last 4 characters).")
    static final class ListAccounts implements Callable<Integer> {
        @Override
        public Integer call() {
            try (Ksync ksync = Ksync.start(AppConfig.fromSystemEnv())) {
                var accounts = ksync.accounts().list();
                if (accounts.isEmpty()) {
                    System.out.println("no accounts; add one with: ksync accounts add ID --name NAME < keyfile");
                }
                for (Account a : accounts) {
                    System.out.printf("%-24s %-30s key …%s %s%n", a.id(), a.name(), a.apiKeyLast4(),
                            a.enabled() ? "enabled" : "disabled");
                }
            }
            return 0;
        }
    }

    @Command(name = "enable", description = "Include the account in the nightly update (new accounts are enabled).")
    static final class Enable implements Callable<Integer> {
        @Parameters(index = "0", description = "Account id.")
        String id;

        @Override
        public Integer call() {
            return setEnabled(id, true);
        }
    }

    @Command(name = "disable", description = "Leave the account out of the nightly update (its data stays).")
    static final class Disable implements Callable<Integer> {
        @Parameters(index = "0", description = "Account id.")
        String id;

        @Override
        public Integer call() {
            return setEnabled(id, false);
        }
    }

    private static int setEnabled(String id, boolean enabled) {
        AccountId accountId = AccountId.of("id", id);
        try (Ksync ksync = Ksync.start(AppConfig.fromSystemEnv())) {
            ksync.accounts().setEnabled(accountId, enabled)
                    .orElseThrow(() -> KsyncException.notFound("account", accountId.value()));
            System.out.println((enabled ? "enabled " : "disabled ") + accountId);
        }
        return 0;
    }

    @Command(name = "remove", description = "Remove an account.")
    static final class Remove implements Callable<Integer> {
        @Parameters(index = "0", description = "Account id.")
        String id;

        @Override
        public Integer call() {
            AccountId accountId = AccountId.of("id", id);
            try (Ksync ksync = Ksync.start(AppConfig.fromSystemEnv())) {
                if (!ksync.accounts().remove(accountId)) {
                    throw KsyncException.notFound("account", accountId.value());
                }
                System.out.println("removed " + accountId);
            }
            return 0;
        }
    }
}
