package dev.ksync.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ksync.accounts.Account;
import dev.ksync.accounts.AccountId;
import dev.ksync.accounts.AccountService;
import dev.ksync.accounts.NightlyOptions;
import dev.ksync.audience.AudienceSchema;
import dev.ksync.request.Choices;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/accounts}: register, list, change (key, enabled, nightly options) and remove Klaviyo accounts (admin
 * secret, checked before the handler runs). Keys show only their last 4; a removal answers what it deleted.
 */
record AccountRoutes(AccountService accounts, JsonBodies bodies) {
    private static final Set<String> FIELDS = Set.of("id", "name", SyncFields.KLAVIYO_API_KEY);
    private static final Set<String> CHANGES = Set.of(SyncFields.KLAVIYO_API_KEY, "enabled", "nightlyDays",
            "nightlyTimeframeKey", "nightlyAudienceSchema");
    /** What a change to an account that is not registered can do instead. */
    private static final String ADD = "register it first with POST /api/accounts";

    void register(ApiRoutes routes) {
        routes.post("/api/accounts", Access.ADMIN, this::add);
        routes.get("/api/accounts", Access.ADMIN, this::list);
        routes.patch("/api/accounts/{id}", Access.ADMIN, this::change);
        routes.delete("/api/accounts/{id}", Access.ADMIN, this::remove);
    }

    /**
     * Replaces the account's Klaviyo key, enables or disables its nightly update and sets its nightly options: a field
     * left out stays as it is, a nightly option sent as null goes back to the default ({@code enabled} has none, so
     * null is a 400). Everything is checked before
     * anything changes; the key is never echoed.
     */
    private void change(Context ctx) {
        AccountId id = AccountId.of("id", ctx.pathParam("id"));
        ObjectNode body = bodies.object(ctx, CHANGES);
        Fields fields = new Fields(body);
        Account current = accounts.find(id).orElseThrow(() -> AccountService.notRegistered(id, ADD));
        NightlyOptions was = current.nightly();
        NightlyOptions options = new NightlyOptions(
                body.has("nightlyDays") ? fields.integer("nightlyDays", 1, NightlyOptions.MAX_DAYS) : was.days(),
                body.has("nightlyTimeframeKey") ? fields.text("nightlyTimeframeKey") : was.timeframeKey(),
                body.has("nightlyAudienceSchema")
                        ? fields.text("nightlyAudienceSchema")
                                .map(v -> Choices.parse("nightlyAudienceSchema", AudienceSchema.class, v))
                        : was.audienceSchema());
        fields.refuseNull("enabled", "true or false");
        boolean enabled = fields.bool("enabled", current.enabled());
        if (body.has(SyncFields.KLAVIYO_API_KEY)) {
            // a key cannot be removed, only replaced: null or blank is refused like a missing key on add
            accounts.setKey(id, SyncFields.klaviyoApiKey(fields).orElse(null));
        }
        if (!options.equals(was)) {
            accounts.setNightlyOptions(id, options);
        }
        if (enabled != current.enabled()) {
            accounts.setEnabled(id, enabled);
        }
        ctx.json(view(accounts.find(id).orElseThrow(() -> AccountService.notRegistered(id, ADD))));
    }

    private void add(Context ctx) {
        ObjectNode body = bodies.object(ctx, FIELDS);
        Fields fields = new Fields(body);
        AccountId id = AccountId.of("id", fields.text("id").orElse(null));
        String name = fields.text("name").orElse(null);
        // never echo what was sent in a key field
        Account added = accounts.add(id, name, SyncFields.klaviyoApiKey(fields).orElse(null));
        ctx.status(201).json(view(added));
    }

    private void list(Context ctx) {
        ctx.json(Map.of("accounts", accounts.list().stream().map(AccountRoutes::view).toList()));
    }

    /** Removes the account with its backfill history and nightly run records, and answers how much of each went. */
    private void remove(Context ctx) {
        AccountId id = AccountId.of("id", ctx.pathParam("id"));
        AccountService.Removal r = accounts.remove(id, true)
                .orElseThrow(() -> AccountService.notRegistered(id, "nothing was removed"));
        ctx.json(new RemovalView(r.id(), new Removed(new BackfillRemoved(r.backfillStatus(), r.backfillDaysDone(),
                r.backfillOrders(), r.backfillCampaigns(), r.backfillFlows(), r.backfillDailyStats()), r.nightlyRuns()),
                AccountService.Removal.KEPT));
    }

    /** The answer to a removal: what went with the account, and what stays. */
    record RemovalView(String id, Removed removed, List<String> kept) {}

    record Removed(BackfillRemoved backfill, long nightlyRuns) {}

    /** The account's backfill history as it was removed; {@code status} is null when it never ran. */
    record BackfillRemoved(String status, int daysDone, long orders, long campaigns, long flows, long dailyStats) {}

    /** What the API shows of an account: never the key, only its last 4 characters. */
    record AccountView(String id, String name, String klaviyoApiKeyLast4, boolean enabled, NightlyView nightly,
                       String createdAt) {}

    /** The account's nightly options; null means the default. */
    record NightlyView(Integer days, String timeframeKey, String audienceSchema) {}

    static AccountView view(Account a) {
        NightlyOptions n = a.nightly();
        return new AccountView(a.id().value(), a.name(), a.apiKeyLast4(), a.enabled(),
                new NightlyView(n.days().orElse(null), n.timeframeKey().orElse(null),
                        n.audienceSchema().map(Choices::wireName).orElse(null)),
                a.createdAt().toString());
    }
}
