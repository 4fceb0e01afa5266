package dev.ksync.accounts;

import dev.ksync.config.AppConfig;
import dev.ksync.config.Secret;
import dev.ksync.error.KsyncException;
import dev.ksync.klaviyo.ApiKey;
import dev.ksync.klaviyo.Connections;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.KlaviyoClientConfig;
import dev.ksync.klaviyo.budget.AccountBudgets;
import dev.ksync.klaviyo.budget.BudgetStore;
import dev.ksync.klaviyo.budget.Sleeper;
import dev.ksync.klaviyo.budget.WindowedBudget;
import dev.ksync.klaviyo.stats.CallListener;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Hands out a Klaviyo client for one job. The key comes from the registered account the job names, else from the
 * request, else from the environment. Each job gets its own client, so its call accounting is its
 * own, but every client of a key draws from the same rate budgets, because Klaviyo's limits are per account; all
 * clients share one HTTP connection pool and the optional global limit. The windows of tiers with a daily cap (the
 * reporting API's 2 a minute, 225 a day) count in the given {@link BudgetStore}: with PostgreSQL, every process on
 * the database shares them, keyed by the API key's fingerprint.
 */
public final class KlaviyoAccess implements AutoCloseable {
    /** Keys whose budgets are remembered; request-supplied keys must not pile up state for ever. */
    static final int MAX_KEYS = 1024;

    private final AppConfig.KlaviyoSettings settings;
    private final Function<AccountId, Optional<Secret>> registeredKeys;
    private final Clock clock;
    private final CallListener listener;
    private final KlaviyoClientConfig clientConfig;
    private final Connections connections = Connections.open(Duration.ofSeconds(10));
    private final WindowedBudget global;
    private final BudgetStore cappedWindows;
    private final int reportDailyCap;
    private final Sleeper sleeper;
    private final Map<ApiKey, AccountBudgets> budgets = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ApiKey, AccountBudgets> eldest) {
            return size() > MAX_KEYS;
        }
    };

    public KlaviyoAccess(AppConfig.KlaviyoSettings settings, Function<AccountId, Optional<Secret>> registeredKeys,
            Clock clock) {
        this(settings, registeredKeys, clock, CallListener.NONE, BudgetStore.inMemory());
    }

    /**
     * @param registeredKeys the stored key of a registered account ({@link AccountService#apiKey})
     * @param listener       told of every call, retry and budget wait of every client (metrics)
     * @param cappedWindows  where the windows of daily-capped tiers count: {@code PostgresBudgetStore} to share
     *                       them with every process on the database, else {@link BudgetStore#inMemory()}
     */
    public KlaviyoAccess(AppConfig.KlaviyoSettings settings, Function<AccountId, Optional<Secret>> registeredKeys,
            Clock clock, CallListener listener, BudgetStore cappedWindows) {
        this(settings, registeredKeys, clock, listener, cappedWindows, 0, Sleeper.system());
    }

    /**
     * Tests and tools: a daily report cap below Klaviyo's 225 (0 for Klaviyo's), and the sleeper budget waits use
     * (a {@code ManualClock}'s, so a test never sleeps).
     */
    public KlaviyoAccess(AppConfig.KlaviyoSettings settings, Function<AccountId, Optional<Secret>> registeredKeys,
            Clock clock, CallListener listener, BudgetStore cappedWindows, int reportDailyCap, Sleeper sleeper) {
        this.reportDailyCap = reportDailyCap;
        this.sleeper = sleeper;
        this.settings = settings;
        this.cappedWindows = cappedWindows;
        this.registeredKeys = registeredKeys;
        this.clock = clock;
        this.listener = listener;
        KlaviyoClientConfig c = KlaviyoClientConfig.of(settings.baseUrl()).withRevision(settings.revision())
                .withRateScale(settings.rateScale());
        if (settings.globalBurst().isPresent() && settings.globalPerMinute().isPresent()) {
            c = c.withGlobalLimit(settings.globalBurst().get(), settings.globalPerMinute().get());
        }
        this.clientConfig = c;
        this.global = c.hasGlobalLimit() ? AccountBudgets.global(c.globalBurst(), c.globalPerMinute(), clock) : null;
    }

    /**
     * A client for one job on this account or key (its {@code callStats()} count only this job's calls); when no key
     * can be found, a 404 for a named account that is not registered, else a 400 naming {@code klaviyoApiKey}. Closing it is optional: it owns no connections.
     */
    public KlaviyoClient client(Optional<AccountId> accountId, Optional<Secret> requestKey) {
        ApiKey key = resolveKey(accountId, requestKey);
        AccountBudgets shared;
        synchronized (budgets) {
            shared = budgets.computeIfAbsent(key,
                    k -> new AccountBudgets(clock, clientConfig.rateScale(), k.fingerprint(), cappedWindows, reportDailyCap));
        }
        KlaviyoClient.Builder b = KlaviyoClient.builder(clientConfig, key).clock(clock).listener(listener)
                .connections(connections).budgets(shared).sleeper(sleeper);
        if (global != null) {
            b.globalBudget(global);
        }
        return b.build();
    }

    /**
     * Registered account's key, else the request's, else the environment's. With none, a named account that is not
     * registered is what is wrong (a typo more often than a missing key): 404, not a 400 about the key.
     */
    ApiKey resolveKey(Optional<AccountId> accountId, Optional<Secret> requestKey) {
        Optional<Secret> key = accountId.flatMap(registeredKeys).or(() -> requestKey).or(settings::apiKey);
        if (key.isEmpty()) {
            if (accountId.isPresent()) {
                // an unregistered id may also be a storage label for the request's or the environment's key
                throw AccountService.notRegistered(accountId.get(), "to use it only as a storage label, give a Klaviyo"
                        + " key another way (KLAVIYO_API_KEY_PRIVATE, or the request's key)");
            }
            throw KsyncException.badInput("klaviyoApiKey", null, "a Klaviyo private API key: register the account"
                    + " (POST /api/accounts), pass klaviyoApiKey, or set KLAVIYO_API_KEY_PRIVATE");
        }
        try {
            return ApiKey.of(key.get().value());
        } catch (IllegalArgumentException e) {
            throw KsyncException.badInput("klaviyoApiKey", "(hidden)", "a Klaviyo private API key: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        connections.close();
    }
}
