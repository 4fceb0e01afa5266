package dev.ksync.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ksync.accounts.AccountId;
import dev.ksync.audience.AudienceSchema;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.orchestrator.Orchestrator;
import dev.ksync.orchestrator.UpdateAnswer;
import dev.ksync.orchestrator.UpdateProgress;
import dev.ksync.orchestrator.UpdateRequest;
import dev.ksync.request.Choices;
import dev.ksync.sync.Mode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * {@code POST /api/dashboard/update} (secret in the header, parameters in the JSON body) and its cron-friendly
 * {@code GET /api/dashboard/update?token=…} (parameters in the query; mode defaults to live and the idempotency key
 * to {@code nightly-YYYY-MM-DD} UTC). Both reach Klaviyo, so both need KLAVIYO_ENABLE. The answer is the
 * orchestrator's bytes as they are, so a replay is byte for byte the first answer.
 */
record UpdateRoutes(Orchestrator orchestrator, AdminGate gate, JsonBodies bodies, Clock clock, Slots slots) {
    /** How long a caller refused for a full house is told to wait before trying again. */
    static final Duration BUSY_RETRY = Duration.ofSeconds(30);

    /**
     * The updates this server runs at once (KSYNC_MAX_CONCURRENT_UPDATES). One more that would start work is refused at
     * once with 429 and Retry-After rather than queued: each holds a pooled connection for its whole run.
     */
    record Slots(Semaphore permits, int size, Clock clock) implements Orchestrator.Admission {
        Slots(int size, Clock clock) {
            this(new Semaphore(size), size, clock);
        }

        @Override
        public <T> T admit(Supplier<T> work) {
            if (!permits.tryAcquire()) {
                throw new KsyncException(ErrorKind.RATE_LIMITED, ErrorKind.RATE_LIMITED.defaultBlame(),
                        "too_many_updates", size + " update(s) are running on this server, its limit"
                        + " (KSYNC_MAX_CONCURRENT_UPDATES); try again later", Map.of("limit", size),
                        Optional.of(clock.instant().plus(BUSY_RETRY)), null);
            }
            try {
                return work.get();
            } finally {
                permits.release();
            }
        }
    }

    static final String KEY_HEADER = "x-idempotency-key";
    static final Set<String> BODY_FIELDS = Set.of("mode", "accountId", "days", "timeframeKey", "fast", "audienceSchema");
    static final Set<String> QUERY = Set.of("mode", "token", "accountId", "days", "timeframeKey", "fast",
            "audienceSchema", "idempotency");

    void register(RoutesConfig routes) {
        routes.post("/api/dashboard/update", this::post, Access.ADMIN);
        routes.get("/api/dashboard/update", this::get, Access.ADMIN_OR_TOKEN);
    }

    private void post(Context ctx) {
        gate.requireKlaviyoEnabled();
        onlyQuery(ctx, Set.of("idempotency"));
        Fields f = new Fields(bodies.object(ctx, BODY_FIELDS));
        Mode mode = f.choice("mode", Mode.class, Mode.DRY_RUN);
        Optional<AccountId> account = f.text("accountId").map(v -> AccountId.of("accountId", v));
        boolean fast = bodyFast(f.node("fast"));
        UpdateRequest req = new UpdateRequest(mode, account, f.integer("days", 1, UpdateRequest.MAX_DAYS),
                f.text("timeframeKey"), fast, key(ctx), f.choice("audienceSchema", AudienceSchema.class, null));
        answer(ctx, run(req));
    }

    private void get(Context ctx) {
        gate.requireKlaviyoEnabled();
        onlyQuery(ctx, QUERY);
        Mode mode = query(ctx, "mode").map(v -> Choices.parse("mode", Mode.class, v)).orElse(Mode.LIVE);
        Optional<AccountId> account = query(ctx, "accountId").map(v -> AccountId.of("accountId", v));
        Optional<Integer> days = query(ctx, "days").map(UpdateRoutes::days);
        boolean fast = query(ctx, "fast").map(UpdateRoutes::flag).orElse(false);
        Optional<String> key = key(ctx).or(() -> Optional.of(UpdateRequest.nightlyKey(clock.instant())));
        UpdateRequest req = new UpdateRequest(mode, account, days, query(ctx, "timeframeKey"), fast, key,
                query(ctx, "audienceSchema").map(v -> Choices.parse("audienceSchema", AudienceSchema.class, v))
                        .orElse(null));
        answer(ctx, run(req));
    }

    /** Replays and keys held elsewhere answer at once; only an update about to work takes one of the slots. */
    private UpdateAnswer run(UpdateRequest req) {
        return orchestrator.run(req, UpdateProgress.NONE, slots);
    }

    private static void answer(Context ctx, UpdateAnswer a) {
        if (a.replayed()) {
            ctx.header("Idempotent-Replayed", "true");
        }
        ctx.status(a.status()).contentType("application/json").result(a.body());
    }

    /** The key from the header, else {@code ?idempotency=}. */
    private static Optional<String> key(Context ctx) {
        String h = ctx.header(KEY_HEADER);
        return h != null ? Optional.of(h) : query(ctx, "idempotency");
    }

    private static Optional<String> query(Context ctx, String name) {
        return QueryParams.of(ctx).get(name);
    }

    static void onlyQuery(Context ctx, Set<String> allowed) {
        Set<String> unknown = new TreeSet<>(QueryParams.of(ctx).names());
        unknown.removeAll(allowed);
        if (!unknown.isEmpty()) {
            List<String> names = unknown.stream().map(n -> n.length() > 40 ? n.substring(0, 40) + "…" : n).toList();
            throw new KsyncException(ErrorKind.BAD_INPUT, "unknown_parameter", "Unknown query parameter(s) " + names
                    + "; allowed: " + new TreeSet<>(allowed), Map.of("parameters", names,
                    "allowed", List.copyOf(new TreeSet<>(allowed))));
        }
    }

    private static int days(String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw KsyncException.badInput("days", v.length() > 20 ? v.substring(0, 20) + "…" : v,
                    "a whole number from 1 to " + UpdateRequest.MAX_DAYS);
        }
    }

    /** {@code fast=1} as the runbook writes it; true/false too. */
    private static boolean flag(String v) {
        return switch (v) {
            case "1", "true" -> true;
            case "0", "false", "" -> false;
            default -> throw KsyncException.badInput("fast", v.length() > 20 ? v.substring(0, 20) + "…" : v,
                    "1, 0, true or false");
        };
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
