package dev.ksync.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ksync.campaigns.CampaignSyncRequest;
import dev.ksync.campaigns.CampaignSyncRequest.Channel;
import java.util.Set;

/** The campaign-sync JSON body (PRODUCT.md §4) as a {@link CampaignSyncRequest}. */
public final class CampaignRequestParser {
    public static final Set<String> FIELDS = SyncFields.union(SyncFields.COMMON, SyncFields.WINDOW,
            Set.of("channel", "limitCampaigns", "conversionMetricId"));

    private CampaignRequestParser() {}

    public static CampaignSyncRequest parse(ObjectNode body) {
        Fields f = new Fields(body);
        SyncFields.Common c = SyncFields.common(f);
        return SyncFields.applyTo(c, CampaignSyncRequest.builder()).debug(c.debug())
                .window(SyncFields.window(f))
                .channel(f.choice("channel", Channel.class, Channel.EMAIL))
                .limitCampaigns(f.integer("limitCampaigns", 1, CampaignSyncRequest.MAX_LIMIT_CAMPAIGNS).orElse(null))
                .conversionMetricId(f.text("conversionMetricId").orElse(null))
                .build();
    }
}
