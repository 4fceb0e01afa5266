package dev.ksync.accounts;

import dev.ksync.config.AppConfig;
import dev.ksync.config.Secret;
import dev.ksync.error.KsyncException;
import dev.ksync.klaviyo.ApiKey;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.KlaviyoClientConfig;
import dev.ksync.klaviyo.stats.CallListener;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Function;

/**
 * Hands out the Klaviyo client for a request. The key comes from the registered account the request names, else
 * from the request, else from the environment (PRODUCT.md §1). One client per key, kept for the life of the process,
 * because Klaviyo's rate limits are per account: every job on an account must draw from the same budgets.
 */
public final class KlaviyoAccess implements AutoCloseable {
    private final AppConfig.KlaviyoSettings settings;
    private final Function<AccountId, Optional<Secret>> registeredKeys;
    private final Clock clock;
    private final CallListener listener;
    private final KlaviyoClientConfig clientConfig;
    /**
     * Most recently used clients, at most {@link #MAX_CLIENTS}: request-supplied keys must not pile up clients for
     * ever. An evicted client is dropped, not closed (a request may still be using it); its HTTP client's threads
     * end once it is unreachable.
     */
    private final Map<ApiKey, KlaviyoClient> clients = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ApiKey, KlaviyoClient> eldest) {
            return size() > MAX_CLIENTS;
        }
    };
    static final int MAX_CLIENTS = 256;

    /** @param registeredKeys the stored key of a registered account ({@link AccountService#apiKey}) */
    public KlaviyoAccess(AppConfig.KlaviyoSettings settings, Function<AccountId, Optional<Secret>> registeredKeys,
            Clock clock) {
        this(settings, registeredKeys, clock, CallListener.NONE);
    }

    /** @param listener told of every call, retry and budget wait of every client (metrics) */
    public KlaviyoAccess(AppConfig.KlaviyoSettings settings, Function<AccountId, Optional<Secret>> registeredKeys,
            Clock clock, CallListener listener) {
        this.settings = settings;
        this.registeredKeys = registeredKeys;
        this.clock = clock;
        this.listener = listener;
        KlaviyoClientConfig c = KlaviyoClientConfig.of(settings.baseUrl()).withRevision(settings.revision())
                .withRateScale(settings.rateScale());
        if (settings.globalBurst().isPresent() && settings.globalPerMinute().isPresent()) {
            c = c.withGlobalLimit(settings.globalBurst().get(), settings.globalPerMinute().get());
        }
        this.clientConfig = c;
    }

    /** The client for this account or key; a 400 naming {@code klaviyoApiKey} when no key can be found. */
    public KlaviyoClient client(Optional<AccountId> accountId, Optional<Secret> requestKey) {
        Optional<Secret> key = accountId.flatMap(registeredKeys).or(() -> requestKey).or(settings::apiKey);
        if (key.isEmpty()) {
            throw KsyncException.badInput("klaviyoApiKey", null, "a Klaviyo private API key: register the account"
                    + " (POST /api/accounts), pass klaviyoApiKey, or set KLAVIYO_API_KEY_PRIVATE");
        }
        ApiKey apiKey;
        try {
            apiKey = ApiKey.of(key.get().value());
        } catch (IllegalArgumentException e) {
            throw KsyncException.badInput("klaviyoApiKey", "(hidden)", "a Klaviyo private API key: " + e.getMessage());
        }
        synchronized (clients) {
            return clients.computeIfAbsent(apiKey,
                    k -> KlaviyoClient.builder(clientConfig, k).clock(clock).listener(listener).build());
        }
    }

    @Override
    public void close() {
        List<KlaviyoClient> open;
        synchronized (clients) {
            open = List.copyOf(clients.values());
            clients.clear();
        }
        open.forEach(c -> {
            try {
                c.close();
            } catch (Exception ignored) {
                // nothing to lose when an HTTP client fails to close
            }
        });
    }
}
