package dev.ksync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ksync.sandbox.api.Api;
import dev.ksync.sandbox.api.ApiRequest;
import dev.ksync.sandbox.api.Json;
import dev.ksync.sandbox.api.Links;
import dev.ksync.sandbox.data.SandboxData;
import dev.ksync.sandbox.faults.Faults;
import dev.ksync.sandbox.limits.RateLimiter;
import dev.ksync.sandbox.limits.Tier;
import dev.ksync.sandbox.query.ApiException;
import dev.ksync.sandbox.query.Endpoint;
import dev.ksync.sandbox.query.Endpoints;
import dev.ksync.sandbox.stats.CallCounters;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Set;
import java.util.SortedMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * The Klaviyo simulator: serves the Klaviyo endpoints ksync uses on 127.0.0.1, over data generated
 * from the options' seed, with Klaviyo's auth, revision header, errors, rate limits and optional
 * latency and faults. Start it with {@link #start(SandboxOptions)}; close it when done.
 */
public final class SandboxServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxServer.class);
    private static final String JSON_API = "application/vnd.api+json";
    private static final Pattern REVISION = Pattern.compile("\\d{4}-\\d{2}-\\d{2}(\\.[A-Za-z0-9_-]+)?");
    /** How long a "slow" fault holds the answer back. */
    static final int SLOW_FAULT_MILLIS = 2_500;

    private final SandboxOptions options;
    private final SandboxData data;
    private final RateLimiter limiter;
    private final Faults faults;
    private final CallCounters counters = new CallCounters();
    private final Api api;
    private final ObjectMapper mapper = Json.newMapper();
    private final Javalin app;
    private final Set<String> apiKeys;
    private final AtomicReference<String> baseUrl = new AtomicReference<>("http://127.0.0.1");

    private SandboxServer(SandboxOptions options, Clock clock) {
        this.options = options;
        this.apiKeys = Arrays.stream(options.apiKey().split(",")).map(String::trim).filter(k -> !k.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        long t0 = System.nanoTime();
        this.data = SandboxData.generate(options.seed(), options.profiles(), options.historyDays(), options.currency(),
                options.trailDays(), options.timezone() == null ? null : ZoneId.of(options.timezone()), clock);
        this.limiter = new RateLimiter(options.rateLimits(), clock);
        this.faults = new Faults(options.seed(), options.faults());
        Endpoints endpoints = new Endpoints();
        this.api = new Api(data, endpoints, new Links(baseUrl::get), mapper, clock);
        this.app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.router.ignoreTrailingSlashes = true;
            for (Endpoint e : endpoints.all()) {
                String path = e.path();
                if (e.method().equals("GET")) c.routes.get(path, ctx -> serve(ctx, e));
                else c.routes.post(path, ctx -> serve(ctx, e));
            }
            // The cut fault's response is committed and short; Jetty then drops the connection.
            c.routes.exception(ConnectionCut.class, (ex, ctx) -> { });
            c.routes.post("/__sandbox/faults", this::adminFaults);
            c.routes.delete("/__sandbox/faults", ctx -> { faults.clear(); ctx.status(204); });
            c.routes.post("/__sandbox/rate-limits/reset", ctx -> { limiter.reset(); ctx.status(204); });
            c.routes.get("/__sandbox/stats", ctx -> ctx.contentType("application/json").result(mapper.writeValueAsBytes(statsDocument())));
            c.routes.post("/__sandbox/stats/reset", ctx -> { counters.reset(); ctx.status(204); });
            c.routes.get("/__sandbox/health", ctx -> ctx.contentType("application/json").result("{\"status\":\"ok\"}"));
            c.routes.error(404, "*", ctx -> {
                if (ctx.path().startsWith("/api/")) {
                    writeError(ctx, new ApiException(404, "not_found", "Not found.", "No route for " + ctx.method() + " " + ctx.path() + ".", null, null));
                }
            });
            c.routes.error(405, "*", ctx -> writeError(ctx, new ApiException(405, "method_not_allowed", "Method not allowed.",
                    "Method " + ctx.method() + " is not allowed on " + ctx.path() + ".", null, null)));
        });
        app.start("127.0.0.1", options.port());
        baseUrl.set("http://127.0.0.1:" + app.port());
        LOG.info("Klaviyo sandbox on {} ({} profiles, {} days, seed {}, rate limits {}) ready in {} ms", baseUrl.get(),
                options.profiles(), options.historyDays(), options.seed(), options.rateLimits(), (System.nanoTime() - t0) / 1_000_000);
    }

    /** Starts a sandbox; its data's "today" is the system clock's. */
    public static SandboxServer start(SandboxOptions options) {
        return start(options, Clock.systemUTC());
    }

    /** Starts a sandbox whose history and rate-limit windows follow {@code clock} (tests pass a fixed or settable one). */
    public static SandboxServer start(SandboxOptions options, Clock clock) {
        return new SandboxServer(options, clock);
    }

    /** e.g. {@code http://127.0.0.1:54321}, no trailing slash. */
    public String baseUrl() { return baseUrl.get(); }

    public int port() { return app.port(); }

    public SandboxOptions options() { return options; }

    /** The generated ground truth the API serves. */
    public SandboxData data() { return data; }

    /** Makes the next {@code count} API answers fail with {@code kind} (same as POST /__sandbox/faults). */
    public void injectFaults(FaultKind kind, int count) { faults.inject(kind, count); }

    /** Makes the next {@code count} answers of one operation (e.g. {@code query_flow_series}) fail with {@code kind}. */
    public void injectFaults(FaultKind kind, int count, String operationId) { faults.inject(kind, count, operationId); }

    public void clearFaults() { faults.clear(); }

    /** Forgets all rate-limit windows (same as POST /__sandbox/rate-limits/reset). */
    public void resetRateLimits() { limiter.reset(); }

    /** API key → operation id → requests, 429s and injected faults, both sorted (GET /__sandbox/stats answers it). */
    public SortedMap<String, SortedMap<String, CallCounters.Operation>> stats() { return counters.snapshot(); }

    /** Zeroes the call counters (same as POST /__sandbox/stats/reset). */
    public void resetStats() { counters.reset(); }

    @Override
    public void close() {
        app.stop();
    }

    // ---- request pipeline: auth, revision, rate limit, faults, then the endpoint ----

    private void serve(Context ctx, Endpoint e) {
        try {
            if (options.latencyMs() > 0) sleep(options.latencyMs());
            String key = authenticate(ctx);
            counters.request(key, e.operationId());
            String revision = ctx.header("revision");
            if (revision == null || revision.isBlank()) {
                throw new ApiException(400, "invalid", "Invalid input.",
                        "The 'revision' header is required, e.g. revision: " + Endpoints.REVISION + ".", "revision", null);
            }
            if (!REVISION.matcher(revision.trim()).matches()) {
                throw new ApiException(400, "invalid", "Invalid input.",
                        "Invalid revision '" + revision + "': expected YYYY-MM-DD[.suffix], e.g. " + Endpoints.REVISION + ".", "revision", null);
            }
            Map<String, List<String>> query = new LinkedHashMap<>(ctx.queryParamMap());
            Endpoint.TierRule lower = e.tierFor(query);
            Tier tier = lower == null ? e.tier() : lower.tier();
            RateLimiter.Decision d = limiter.acquire(key + "|" + e.operationId() + (lower == null ? "" : "|" + lower.value()), tier);
            if (!d.allowed()) {
                counters.throttled(key, e.operationId());
                ctx.header("Retry-After", String.valueOf(d.retryAfterSeconds()));
                throw throttled(d.retryAfterSeconds());
            }
            ctx.header("ratelimit-limit", d.limitHeader());
            ctx.header("ratelimit-remaining", String.valueOf(d.remaining()));
            ctx.header("ratelimit-reset", String.valueOf(d.resetSeconds()));
            FaultKind fault = faults.next(e.operationId());
            if (fault != null) {
                counters.fault(key, e.operationId());
                if (fault == FaultKind.THROTTLE_429) counters.throttled(key, e.operationId());
            }
            if (fault != null && fault != FaultKind.SLOW && fault != FaultKind.CUT) {
                failWith(ctx, fault);
                return;
            }
            if (fault == FaultKind.SLOW) sleep(SLOW_FAULT_MILLIS);
            byte[] body = api.answer(e.operationId(), new ApiRequest(ctx.path(), ctx.pathParamMap(), query, ctx.body()));
            if (fault == FaultKind.CUT) {
                cut(ctx, body);
                return;
            }
            ctx.status(200).contentType(JSON_API).result(body);
        } catch (ApiException ex) {
            writeError(ctx, ex);
        } catch (ConnectionCut ex) {
            throw ex; // the response is committed and short: Jetty drops the connection
        } catch (IOException | RuntimeException ex) {
            LOG.warn("sandbox handler failed for {} {}", ctx.method(), ctx.path(), ex);
            writeError(ctx, new ApiException(500, "error", "A server error occurred.", "A server error occurred.", null, null));
        }
    }

    /** The presented key, when it is one of the configured ones (comma-separated: one budget each). */
    private String authenticate(Context ctx) {
        String auth = ctx.header("Authorization");
        if (auth == null || auth.isBlank()) {
            throw new ApiException(401, "not_authenticated", "Authentication credentials were not provided.",
                    "Missing or invalid authorization scheme. Please use Klaviyo-API-Key.", null, null);
        }
        String prefix = "Klaviyo-API-Key ";
        String key = auth.startsWith(prefix) ? auth.substring(prefix.length()).trim() : "";
        if (key.isEmpty() || !apiKeys.contains(key)) {
            throw new ApiException(401, "authentication_failed", "Incorrect authentication credentials.",
                    "Incorrect authentication credentials.", null, null);
        }
        return key;
    }

    private static ApiException throttled(int seconds) {
        return new ApiException(429, "throttled", "Request was throttled.",
                "Request was throttled. Expected available in " + seconds + " second" + (seconds == 1 ? "" : "s") + ".", null, "/data");
    }

    private void failWith(Context ctx, FaultKind fault) {
        switch (fault) {
            case THROTTLE_429 -> {
                ctx.header("Retry-After", "1");
                ctx.removeHeader("ratelimit-limit");
                ctx.removeHeader("ratelimit-remaining");
                ctx.removeHeader("ratelimit-reset");
                writeError(ctx, throttled(1));
            }
            case ERROR_500 -> writeError(ctx, new ApiException(500, "error", "A server error occurred.", "A server error occurred.", null, null));
            case BAD_GATEWAY_502 -> ctx.status(502).contentType("text/html").result("<html><body><h1>502 Bad Gateway</h1></body></html>");
            case UNAVAILABLE_503 -> writeError(ctx, new ApiException(503, "service_unavailable", "Service unavailable.",
                    "The service is temporarily unavailable. Please try again later.", null, null));
            default -> throw new IllegalStateException(fault.name());
        }
    }

    /** Announces the full length, sends half the body, then drops the connection. */
    private static void cut(Context ctx, byte[] body) throws IOException {
        var res = ctx.res();
        res.setStatus(200);
        res.setContentType(JSON_API);
        res.setContentLength(body.length);
        OutputStream out = res.getOutputStream();
        out.write(body, 0, Math.max(1, body.length / 2));
        out.flush();
        throw new ConnectionCut();
    }

    private static final class ConnectionCut extends RuntimeException {
        ConnectionCut() { super("sandbox fault: connection cut mid-body", null, false, false); }
    }

    private void writeError(Context ctx, ApiException ex) {
        ObjectNode doc = Json.obj();
        ObjectNode err = doc.putArray("errors").addObject();
        err.put("id", UUID.randomUUID().toString());
        err.put("status", ex.status());
        err.put("code", ex.code());
        err.put("title", ex.title());
        err.put("detail", ex.detail());
        ObjectNode source = err.putObject("source");
        if (ex.parameter() != null) source.put("parameter", ex.parameter());
        if (ex.pointer() != null) source.put("pointer", ex.pointer());
        if (ex.status() == 429) {
            ctx.removeHeader("ratelimit-limit");
            ctx.removeHeader("ratelimit-remaining");
            ctx.removeHeader("ratelimit-reset");
        }
        try {
            ctx.status(ex.status()).contentType(JSON_API).result(mapper.writeValueAsBytes(doc));
        } catch (IOException e) {
            ctx.status(500).result("{\"errors\":[]}");
        }
    }

    /** {"keys": {key: {operationId: {"requests", "throttled", "faults"}}}}, keys and operations sorted. */
    private ObjectNode statsDocument() {
        ObjectNode doc = mapper.createObjectNode();
        ObjectNode keys = doc.putObject("keys");
        stats().forEach((key, ops) -> {
            ObjectNode k = keys.putObject(key);
            ops.forEach((op, c) -> k.putObject(op).put("requests", c.requests()).put("throttled", c.throttled()).put("faults", c.faults()));
        });
        return doc;
    }

    private void adminFaults(Context ctx) {
        try {
            JsonNode b = mapper.readTree(ctx.body());
            FaultKind kind = FaultKind.parse(b.path("kind").asText(null));
            int count = b.path("count").asInt(1);
            if (count < 0) throw new IllegalArgumentException("count must be >= 0");
            String operation = b.hasNonNull("operation") ? b.get("operation").asText() : null;
            faults.inject(kind, count, operation);
            ctx.contentType("application/json").result(mapper.createObjectNode().put("kind", kind.wire())
                    .put("count", count).put("operation", operation).toString());
        } catch (IOException | IllegalArgumentException ex) {
            ctx.status(400).contentType("application/json").result(mapper.createObjectNode()
                    .put("error", "invalid_fault").put("message", ex.getMessage() + " (body: {\"kind\":\"429|500|502|503|slow|cut\",\"count\":N,\"operation\":\"query_flow_series\" (optional)})").toString());
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
