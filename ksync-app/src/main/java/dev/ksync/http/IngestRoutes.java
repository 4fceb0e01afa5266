package dev.ksync.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ksync.accounts.AccountId;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.ingest.DatasourceFile;
import dev.ksync.ingest.IngestMode;
import dev.ksync.ingest.IngestReport;
import dev.ksync.ingest.IngestRequest;
import dev.ksync.ingest.Ingestion;
import dev.ksync.request.Choices;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /api/ingest} runs the raw ingestion (PRODUCT.md §8) and answers per datasource; a run in which any
 * datasource failed answers {@code ingest_failed} with the same per-datasource results in its details.
 * {@code GET /api/ingest/log} shows {@code ingestion_log}. Both need the admin secret; the run needs KLAVIYO_ENABLE.
 */
record IngestRoutes(Ingestion ingestion, AdminGate gate, JsonBodies bodies) {
    static final Set<String> FIELDS = Set.of("mode", "accountId", "datasources", "only");

    void register(RoutesConfig routes) {
        routes.post("/api/ingest", this::run, Access.ADMIN);
        routes.get("/api/ingest/log", this::log, Access.ADMIN);
    }

    private void run(Context ctx) {
        gate.requireKlaviyoEnabled();
        IngestRequest req = parse(bodies.object(ctx, FIELDS));
        IngestReport report = ingestion.run(req);
        if (report.failed()) {
            throw failed(report);
        }
        ctx.json(report);
    }

    /** The failed run as an error answer: 502, every datasource's result in its details. */
    static KsyncException failed(IngestReport report) {
        List<String> names = report.datasources().stream().filter(IngestReport.Result::failed)
                .map(IngestReport.Result::name).toList();
        return new KsyncException(ErrorKind.UPSTREAM, "ingest_failed", "Ingesting " + String.join(", ", names)
                + " failed; the other datasources loaded, and the next run starts the failed ones where they were",
                Map.of("accountId", report.accountId(), "schema", report.schema(), "mode", report.mode(),
                        "datasources", report.datasources()));
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
        return new IngestRequest(Choices.parse("mode", IngestMode.class, mode), account, file, only);
    }

    private void log(Context ctx) {
        Map<String, String> query = query(ctx.queryString());
        String account = query.get("accountId");
        if (account != null) {
            account = AccountId.of("accountId", account).value();
        }
        String limitText = query.get("limit");
        int limit = 100;
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 10_000) throw KsyncException.badInput("limit", null, "a whole number 1..10000");
        }
        ctx.json(Map.of("entries", ingestion.log().recent(account, limit)));
    }

    /** The query's parameters (first value of each), read here: the framework's parser fails on some broken ones. */
    private static Map<String, String> query(String raw) {
        Map<String, String> out = new java.util.HashMap<>();
        if (raw == null || raw.isEmpty()) return out;
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            try {
                String k = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
                out.putIfAbsent(k, v);
            } catch (IllegalArgumentException e) {
                throw new KsyncException(ErrorKind.BAD_INPUT, "invalid_query", "The query string is not valid"
                        + " URL encoding", Map.of("allowed", "accountId, limit, percent-encoded"));
            }
        }
        return out;
    }
}
