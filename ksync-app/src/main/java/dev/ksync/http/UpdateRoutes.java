package dev.ksync.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ksync.accounts.AccountId;
import dev.ksync.audience.AudienceSchema;
import dev.ksync.error.KsyncException;
import dev.ksync.orchestrator.Orchestrator;
import dev.ksync.orchestrator.UpdateAnswer;
import dev.ksync.orchestrator.UpdateProgress;
import dev.ksync.orchestrator.UpdateRequest;
import dev.ksync.request.Choices;
import dev.ksync.sync.Mode;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/dashboard/update} (secret in the header, parameters in the JSON body, which may carry a
 * {@code klaviyoApiKey} for an account that is not registered) and its cron-friendly
 * {@code GET /api/dashboard/update?token=…} (parameters in the query; mode defaults to live, and a live run's
 * idempotency key to {@code nightly-YYYY-MM-DD} UTC). Both reach Klaviyo, so both need KLAVIYO_ENABLE. The answer is
 * the orchestrator's bytes as they are, so a replay is byte for byte the first answer.
 */
record UpdateRoutes(Orchestrator orchestrator, AdminGate gate, JsonBodies bodies, Clock clock, Slots slots) {
    private static final Logger log = LoggerFactory.getLogger(UpdateRoutes.class);
    static final String KEY_HEADER = "x-idempotency-key";
    static final Set<String> BODY_FIELDS = Set.of("mode", "accountId", "days", "timeframeKey", "fast", "audienceSchema",
            SyncFields.KLAVIYO_API_KEY);
    /** The cron GET's parameters; {@code token} comes with its {@link Access#ADMIN_OR_TOKEN}. */
    static final Set<String> QUERY = Set.of("mode", "accountId", "days", "timeframeKey", "fast", "audienceSchema",
            "idempotency");

    void register(ApiRoutes routes) {
        routes.post("/api/dashboard/update", Access.ADMIN, Set.of("idempotency"), this::post);
        routes.get("/api/dashboard/update", Access.ADMIN_OR_TOKEN, QUERY, this::get);
    }

    private void post(Context ctx, QueryParams q) {
        gate.requireKlaviyoEnabled();
        Fields f = new Fields(bodies.object(ctx, BODY_FIELDS));
        Mode mode = f.choice("mode", Mode.class, Mode.DRY_RUN);
        Optional<AccountId> account = f.text("accountId").map(v -> AccountId.of("accountId", v));
        boolean fast = bodyFast(f.node("fast"));
        UpdateRequest req = new UpdateRequest(mode, account, f.integer("days", 1, UpdateRequest.MAX_DAYS),
                f.text("timeframeKey"), fast, key(ctx, q), f.choice("audienceSchema", AudienceSchema.class, null),
                SyncFields.klaviyoApiKey(f));
        answer(ctx, run(req));
    }

    private void get(Context ctx, QueryParams q) {
        gate.requireKlaviyoEnabled();
        Mode mode = q.get("mode").map(v -> Choices.parse("mode", Mode.class, v)).orElse(Mode.LIVE);
        Optional<AccountId> account = q.get("accountId").map(v -> AccountId.of("accountId", v));
        Optional<Integer> days = q.integer("days", 1, UpdateRequest.MAX_DAYS);
        boolean fast = q.bool("fast").orElse(false);
        // only a live run takes the day's nightly key: a dry run writes nothing, and holding the key under other
        // parameters would turn away the day's live run and the scheduled nightly (422 idempotency_key_reused)
        Optional<String> key = key(ctx, q).or(() -> mode == Mode.LIVE
                ? Optional.of(UpdateRequest.nightlyKey(clock.instant())) : Optional.empty());
        UpdateRequest req = new UpdateRequest(mode, account, days, q.get("timeframeKey"), fast, key,
                q.get("audienceSchema").map(v -> Choices.parse("audienceSchema", AudienceSchema.class, v))
                        .orElse(null), Optional.empty());
        answer(ctx, run(req));
    }

    /**
     * Replays and keys held elsewhere answer at once; only an update about to work takes one of the slots. A failure
     * gets one WARN line naming the account, beside the access line (a bug gets ErrorMapper's line with its trace).
     */
    private UpdateAnswer run(UpdateRequest req) {
        try {
            return orchestrator.run(req, UpdateProgress.NONE, slots);
        } catch (KsyncException e) {
            log.warn("Update of {} ({}) failed: {}: {}",
                    req.accountId().map(AccountId::value).orElse("the default account"), req.mode().wireName(), e.code(),
                    e.getMessage());
            throw e;
        }
    }

    private static void answer(Context ctx, UpdateAnswer a) {
        if (a.replayed()) {
            ctx.header("Idempotent-Replayed", "true");
        }
        ctx.status(a.status()).contentType("application/json").result(a.body());
    }

    /** The key from the header, else {@code ?idempotency=}. */
    private static Optional<String> key(Context ctx, QueryParams q) {
        String h = ctx.header(KEY_HEADER);
        return h != null ? Optional.of(h) : q.get("idempotency");
    }

    private static boolean bodyFast(JsonNode v) {
        if (v == null || v.isNull()) {
            return false;
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isIntegralNumber() && (v.asInt() == 0 || v.asInt() == 1) && v.canConvertToInt()) {
            return v.asInt() == 1;
        }
        throw KsyncException.badInput("fast", v.toString().length() > 20 ? v.toString().substring(0, 20) : v.toString(),
                "true, false, 1 or 0");
    }
}
