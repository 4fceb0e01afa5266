package dev.ksync.klaviyo.budget;

import dev.ksync.klaviyo.endpoint.Endpoint;
import dev.ksync.klaviyo.endpoint.RateTier;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The call budgets of one Klaviyo account: one {@link WindowedBudget} per endpoint and tier (the
 * predictive-analytics variant of an endpoint has its own, lower one). Share one instance among
 * all clients of the same account, so that concurrent jobs pace together. Tiers with a daily cap
 * (the reporting API) count in the {@code capped} store, which may be shared by processes.
 */
public final class AccountBudgets {
    private final Clock clock;
    private final int scale;
    private final String account;
    private final BudgetStore memory = BudgetStore.inMemory();
    private final BudgetStore capped;
    private final int dailyCap;
    private final Map<String, WindowedBudget> budgets = new ConcurrentHashMap<>();

    /**
     * Everything counted in this process.
     *
     * @param scale divides every window length, as the sandbox's {@code --rate-limits scaled:N}
     *              does (1 for real Klaviyo)
     */
    public AccountBudgets(Clock clock, int scale) {
        this(clock, scale, "local", BudgetStore.inMemory());
    }

    /**
     * @param account the account's key in {@code capped}: {@link dev.ksync.klaviyo.ApiKey#fingerprint()}
     * @param capped  where tiers with a daily cap count (e.g. PostgreSQL, shared by every process of the account)
     */
    public AccountBudgets(Clock clock, int scale, String account, BudgetStore capped) {
        this(clock, scale, account, capped, 0);
    }

    /**
     * @param dailyCap calls a day allowed on a daily-capped tier when lower than Klaviyo's (e.g. to leave part of
     *                 the 225 reports to other tools, or a small cap in tests); 0 for Klaviyo's own
     */
    public AccountBudgets(Clock clock, int scale, String account, BudgetStore capped, int dailyCap) {
        if (dailyCap < 0) throw new IllegalArgumentException("dailyCap must be >= 0");
        this.dailyCap = dailyCap;
        this.clock = Objects.requireNonNull(clock, "clock is null");
        if (scale < 1) throw new IllegalArgumentException("scale must be >= 1");
        this.scale = scale;
        this.account = Objects.requireNonNull(account, "account is null");
        this.capped = Objects.requireNonNull(capped, "capped is null");
    }

    public WindowedBudget forCall(Endpoint endpoint, boolean predictive) {
        RateTier tier = endpoint.tierFor(predictive);
        String key = endpoint.operationId() + (tier == endpoint.tier() ? "" : "#" + tier.name());
        BudgetStore store = tier.hasDailyCap() ? capped : memory;
        RateTier limits = tier.hasDailyCap() && dailyCap > 0 && dailyCap < tier.dailyLimit()
                ? tier.withLimits(tier.burstPerSecond(), tier.steadyPerMinute(), dailyCap) : tier;
        return budgets.computeIfAbsent(key, k -> new WindowedBudget(k, windowsOf(limits, scale), clock, scale, store,
                account + "/" + k + (scale == 1 ? "" : "/x" + scale)));
    }

    /** Burst (1 s), steady (60 s) and, when the tier has one, daily windows, each divided by {@code scale}. */
    public static List<Window> windowsOf(RateTier tier, int scale) {
        List<Window> w = new ArrayList<>();
        w.add(new Window(tier.burstPerSecond(), Duration.ofSeconds(1).dividedBy(scale)));
        w.add(new Window(tier.steadyPerMinute(), Duration.ofMinutes(1).dividedBy(scale)));
        if (tier.hasDailyCap()) w.add(new Window(tier.dailyLimit(), Duration.ofDays(1).dividedBy(scale)));
        return w;
    }

    /** The optional process-wide limit ({@code KLAVIYO_LIMIT_GLOBAL_BURST}/{@code _PER_MINUTE}). */
    public static WindowedBudget global(int burstPerSecond, int perMinute, Clock clock) {
        return new WindowedBudget("global", List.of(
                new Window(burstPerSecond, Duration.ofSeconds(1)), new Window(perMinute, Duration.ofMinutes(1))), clock);
    }
}
