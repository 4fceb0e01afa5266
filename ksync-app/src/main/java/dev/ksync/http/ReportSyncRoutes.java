package dev.ksync.http;

import dev.ksync.app.Ksync;
import dev.ksync.campaigns.CampaignSyncRequest;

import dev.ksync.flows.FlowSyncRequest;
import dev.ksync.reporting.ReportSyncResult;
import dev.ksync.sync.Format;
import dev.ksync.sync.Mode;
import dev.ksync.sync.SyncJob;
import dev.ksync.sync.SyncReport;
import dev.ksync.sync.SyncRequest;
import dev.ksync.sync.SyncRunner;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.Function;

/**
 * {@code POST /api/klaviyo/flow-sync} and {@code POST /api/klaviyo/campaign-sync}: flows.csv and campaigns.csv as a
 * JSON summary, a streamed CSV, or a live write to the flow / campaign staging bucket. Both always reach Klaviyo,
 * so both need the admin secret (checked from the headers) and KLAVIYO_ENABLE.
 */
final class ReportSyncRoutes {
    private final Ksync ksync;
    private final AdminGate gate;
    private final JsonBodies bodies;

    ReportSyncRoutes(Ksync ksync, AdminGate gate, JsonBodies bodies) {
        this.ksync = ksync;
        this.gate = gate;
        this.bodies = bodies;
    }

    void register(RoutesConfig routes) {
        routes.post("/api/klaviyo/flow-sync", this::flows, Access.ADMIN);
        routes.post("/api/klaviyo/campaign-sync", this::campaigns, Access.ADMIN);
    }

    private void flows(Context ctx) throws IOException {
        gate.requireKlaviyoEnabled();
        FlowSyncRequest req = FlowRequestParser.parse(bodies.object(ctx, FlowRequestParser.FIELDS));
        answer(ctx, ksync.flows(), req, req.format(), ksync.config().storage().buckets().flowStaging(),
                r -> ReportSyncResult.of(r, req.debug()));
    }

    private void campaigns(Context ctx) throws IOException {
        gate.requireKlaviyoEnabled();
        CampaignSyncRequest req = CampaignRequestParser.parse(bodies.object(ctx, CampaignRequestParser.FIELDS));
        answer(ctx, ksync.campaigns(), req, req.format(), ksync.config().storage().buckets().campaignStaging(),
                r -> ReportSyncResult.of(r, req.debug()));
    }

    /** Live: the stored object's answer. Dry-run CSV: the file, streamed. Dry-run JSON: the summary and preview. */
    private <R extends SyncRequest, D> void answer(Context ctx, SyncJob<R, D> job, R req, Format format, String bucket,
            Function<SyncReport<D>, ?> result) throws IOException {
        SyncRunner runner = ksync.syncs();
        SyncRunner.Options options = SyncRunner.Options.NONE;
        if (req.mode() == Mode.LIVE) {
            ctx.json(result.apply(runner.live(job, req, bucket, options)));
        } else if (format == Format.CSV) {
            ctx.contentType("text/csv; charset=utf-8");
            ctx.header("Content-Disposition", "attachment; filename=\"" + job.fileName() + "\"");
            try (OutputStream out = ctx.outputStream()) {
                runner.export(job, req, out, options);
            }
        } else {
            ctx.json(result.apply(runner.export(job, req, OutputStream.nullOutputStream(), options)));
        }
    }
}
