package dev.ksync.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ksync.accounts.AccountId;
import dev.ksync.error.KsyncException;
import dev.ksync.config.Secret;
import dev.ksync.ingest.DatasourceFile;
import dev.ksync.ingest.IngestMode;
import dev.ksync.ingest.IngestReport;
import dev.ksync.ingest.IngestRequest;
import dev.ksync.ingest.Ingestion;
import dev.ksync.ingest.IngestionLog;
import dev.ksync.request.Choices;
import io.javalin.http.Context;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /api/ingest} runs the raw ingestion (PRODUCT.md §8) and answers per datasource; a run in which any
 * datasource failed answers {@code ingest_failed} with the same per-datasource results in its details. Its body may
 * carry a {@code klaviyoApiKey} for an account that is not registered.
 * {@code GET /api/ingest/log} shows {@code ingestion_log}. Both need the admin secret; the run needs KLAVIYO_ENABLE.
 * A run holds a connection per datasource it loads at once, so runs past KSYNC_MAX_CONCURRENT_INGESTS are refused
 * ({@link Slots}).
 */
record IngestRoutes(Ingestion ingestion, AdminGate gate, JsonBodies bodies, Slots slots) {
    static final Set<String> FIELDS = Set.of("mode", "accountId", "datasources", "only", SyncFields.KLAVIYO_API_KEY);

    void register(ApiRoutes routes) {
        routes.post("/api/ingest", Access.ADMIN, this::run);
        routes.get("/api/ingest/log", Access.ADMIN, Set.of("accountId", "limit"), this::log);
    }

    private void run(Context ctx) {
        gate.requireKlaviyoEnabled();
        IngestRequest req = parse(bodies.object(ctx, FIELDS));
        ingestion.check(req); // a mistake is a 400 even when every slot is taken
        IngestReport report = slots.admit(() -> ingestion.run(req));
        // a failed run: 502 ingest_failed, or 503 database_unavailable, every datasource's result in its details
        Optional<KsyncException> failed = report.error();
        if (failed.isPresent()) {
            throw failed.get();
        }
        ctx.json(report);
    }

    static IngestRequest parse(ObjectNode body) {
        Fields f = new Fields(body);
        String mode = f.text("mode").orElseThrow(() -> KsyncException.badInput("mode", null, "inc or hist"));
        Optional<AccountId> account = f.text("accountId").map(v -> AccountId.of("accountId", v));
        Optional<DatasourceFile> file = Optional.empty();
        JsonNode ds = body.get("datasources");
        if (ds != null && !ds.isNull()) {
            // the runbook's YAML as text, or the same structure as JSON (YAML reads JSON too)
            if (!ds.isTextual() && !ds.isObject()) {
                throw KsyncException.badInput("datasources", null, "the datasources file's YAML as a string, or its"
                        + " content as a JSON object {hist_datasources, inc_datasources}");
            }
            file = Optional.of(DatasourceFile.parse(ds.isTextual() ? ds.textValue() : ds.toString()));
        }
        Set<String> only = new LinkedHashSet<>();
        JsonNode o = body.get("only");
        if (o != null && !o.isNull()) {
            if (o.isTextual()) {
                for (String n : o.textValue().split(",")) if (!n.isBlank()) only.add(n.strip());
            } else if (o.isArray()) {
                for (JsonNode n : o) {
                    if (!n.isTextual()) throw KsyncException.badInput("only", null, "datasource names (strings)");
                    only.add(n.textValue());
                }
            } else {
                throw KsyncException.badInput("only", null, "a list of datasource names, or them comma-separated");
            }
        }
        Optional<Secret> key = SyncFields.klaviyoApiKey(f);
        if (key.isPresent() && account.isEmpty()) {
            // the unnamed account's schema belongs to the environment's key: another Klaviyo account's rows there
            // would be windowed from the first one's max, its older records skipped for good
            throw KsyncException.badInput("accountId", null, "an account label with klaviyoApiKey (each Klaviyo"
                    + " account's tables live in a schema of its own)");
        }
        return new IngestRequest(Choices.parse("mode", IngestMode.class, mode), account, file, only, key);
    }

    private void log(Context ctx, QueryParams q) {
        String account = q.get("accountId").map(v -> AccountId.of("accountId", v).value()).orElse(null);
        ctx.json(Map.of("entries", ingestion.log().recent(account, q.integer("limit", 1, IngestionLog.MAX_LIMIT)
                .orElse(IngestionLog.DEFAULT_LIMIT))));
    }
}
