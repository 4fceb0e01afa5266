package dev.ksync.ingest;

import dev.ksync.accounts.AccountService;
import dev.ksync.config.Secret;
import dev.ksync.db.Database;
import dev.ksync.klaviyo.ApiKey;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.KlaviyoClientConfig;
import dev.ksync.klaviyo.budget.ManualClock;
import dev.ksync.klaviyo.http.HttpTransport;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.sandbox.SandboxServer;
import dev.ksync.sandbox.data.SandboxData;
import dev.ksync.secrets.SecretBox;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The sandbox (60 days of history ending 2025-10-20, rate limits off) and an ingestion over a test database whose
 * clock the test sets. Klaviyo clients retry without sleeping; the truth comes from the sandbox's generated data.
 */
final class IngestSandbox implements AutoCloseable {
    static final Instant SANDBOX_NOW = Instant.parse("2025-10-20T12:00:00Z");

    final SandboxServer sandbox;
    final ManualClock clock = new ManualClock(SANDBOX_NOW);
    final Database db;

    IngestSandbox(Database db) {
        this.db = db;
        this.sandbox = SandboxServer.start(SandboxOptions.defaults().withProfiles(400).withHistoryDays(60)
                .withRateLimits(RateLimitMode.parse("off")), Clock.fixed(SANDBOX_NOW, ZoneOffset.UTC));
    }

    SandboxData data() {
        return sandbox.data();
    }

    Ingestion ingestion(int parallel) {
        return ingestion(parallel, java.time.Duration.ZERO);
    }

    Ingestion ingestion(int parallel, java.time.Duration lookback) {
        return ingestion(new Ingestion.Settings(Ingestion.Settings.DEFAULT_SCHEMA, parallel, 500,
                java.time.Duration.ofDays(7), lookback, false), null);
    }

    /** An ingestion whose Klaviyo calls go through {@code transport} (null: each client's own connections). */
    Ingestion ingestion(Ingestion.Settings settings, HttpTransport transport) {
        Ingestion.Clients clients = (id, key) -> {
            KlaviyoClient.Builder b = KlaviyoClient.builder(KlaviyoClientConfig.of(URI.create(sandbox.baseUrl())),
                    ApiKey.of("pk_sandbox")).sleeper(d -> {});
            return (transport == null ? b : b.transport(transport)).build();
        };
        AccountService accounts = new AccountService(db.jdbi(), SecretBox.fromPassphrase(new Secret("test passphrase 123")), clock);
        return new Ingestion(db.jdbi(), clients, accounts, settings, clock);
    }

    /** Requests the sandbox served per operation since the last reset. */
    Map<String, Long> calls() {
        Map<String, Long> out = new TreeMap<>();
        sandbox.stats().getOrDefault("pk_sandbox", new TreeMap<>()).forEach((op, c) -> out.put(op, c.requests()));
        return out;
    }

    /** The ids a table holds, each as often as it is there. */
    List<String> ids(String schema, String table) {
        return db.jdbi().withHandle(h -> h.createQuery("select id from \"" + schema + "\".\"" + table + "\"")
                .mapTo(String.class).list());
    }

    /** The ids of a full load's latest snapshot (its rows of the largest {@code time}). */
    List<String> latestSnapshot(String schema, String table) {
        String t = "\"" + schema + "\".\"" + table + "\"";
        return db.jdbi().withHandle(h -> h.createQuery("select id from " + t + " where time = (select max(time) from " + t + ")")
                .mapTo(String.class).list());
    }

    /** Truth: ids of the sandbox's records of a datasource whose value is in [from, to). */
    Set<String> truth(String source, String attribute, Instant from, Instant to) {
        SandboxData d = data();
        Set<String> out = new HashSet<>();
        switch (source) {
            case "events" -> d.forEachEvent(from, to, e -> out.add(e.id()));
            case "profiles" -> {
                for (int i = 0; i < d.profileCount(); i++) {
                    var p = d.profile(i);
                    if (in(attribute.equals("created") ? p.created() : p.updated(), from, to)) out.add(p.id());
                }
            }
            case "templates" -> d.templates().stream().filter(t -> in(pick(attribute, t.created(), t.updated()), from, to))
                    .forEach(t -> out.add(t.id()));
            case "lists" -> d.lists().stream().filter(l -> in(pick(attribute, l.created(), l.updated()), from, to))
                    .forEach(l -> out.add(l.id()));
            // Klaviyo lists archived campaigns only when asked about them: the raw load takes what it lists
            case "campaigns" -> d.campaigns().stream().filter(c -> !c.archived())
                    .filter(c -> in(pick(attribute.replace("_at", ""), c.created(), c.updated()), from, to))
                    .forEach(c -> out.add(c.id()));
            case "metrics" -> d.metrics().forEach(m -> out.add(m.id()));
            default -> throw new IllegalArgumentException(source);
        }
        return out;
    }

    static Set<String> distinct(List<String> ids) {
        return ids.stream().collect(Collectors.toSet());
    }

    static Map<String, Long> duplicates(List<String> ids) {
        return ids.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()))
                .entrySet().stream().filter(e -> e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private static Instant pick(String attribute, Instant created, Instant updated) {
        return attribute.equals("created") ? created : updated;
    }

    private static boolean in(Instant t, Instant from, Instant to) {
        return t != null && !t.isBefore(from) && t.isBefore(to);
    }

    @Override
    public void close() {
        sandbox.close();
    }
}
