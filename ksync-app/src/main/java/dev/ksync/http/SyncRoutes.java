package dev.ksync.http;

import dev.ksync.app.Ksync;
import dev.ksync.audience.AudienceRequest;
import dev.ksync.audience.AudienceResult;
import dev.ksync.campaigns.CampaignSyncRequest;
import dev.ksync.config.AppConfig;
import dev.ksync.flows.FlowSyncRequest;
import dev.ksync.reporting.ReportSyncResult;
import java.util.List;

/**
 * The sync routes, one declaration each ({@link SyncRoute} runs them all one way):
 * {@code POST /api/klaviyo/audience-sync} (subscribers.csv; open unless the body asks for Klaviyo or storage),
 * {@code POST /api/klaviyo/flow-sync} (flows.csv) and {@code POST /api/klaviyo/campaign-sync} (campaigns.csv), as a
 * JSON summary, a streamed CSV, or a live write to the sync's staging bucket.
 */
final class SyncRoutes {
    private SyncRoutes() {}

    static void register(ApiRoutes routes, Ksync ksync, AdminGate gate, JsonBodies bodies) {
        AppConfig.Buckets buckets = ksync.config().storage().buckets();
        List.of(
                SyncRoute.gatedWhen(AudienceRequestParser::gated, "/api/klaviyo/audience-sync",
                        AudienceRequestParser.FIELDS, AudienceRequestParser::parse, AudienceRequest::format,
                        ksync.audience(), buckets.audienceStaging(), (req, r) -> AudienceResult.of(r)),
                SyncRoute.gated("/api/klaviyo/flow-sync", FlowRequestParser.FIELDS, FlowRequestParser::parse,
                        FlowSyncRequest::format, ksync.flows(), buckets.flowStaging(),
                        (req, r) -> ReportSyncResult.of(r, req.debug())),
                SyncRoute.gated("/api/klaviyo/campaign-sync", CampaignRequestParser.FIELDS,
                        CampaignRequestParser::parse, CampaignSyncRequest::format, ksync.campaigns(),
                        buckets.campaignStaging(), (req, r) -> ReportSyncResult.of(r, req.debug())))
                .forEach(route -> route.register(routes, ksync.syncs(), gate, bodies));
    }
}
