package dev.ksync.campaigns;

import static dev.ksync.reporting.Resources.sorted;
import static dev.ksync.reporting.Resources.relIds;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ksync.klaviyo.Filter;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.Listings;
import dev.ksync.klaviyo.Query;
import dev.ksync.klaviyo.endpoint.Endpoint;
import dev.ksync.klaviyo.endpoint.Endpoints;
import dev.ksync.klaviyo.wire.Campaign;
import dev.ksync.klaviyo.wire.CampaignMessage;
import dev.ksync.klaviyo.wire.KlaviyoTime;
import dev.ksync.klaviyo.wire.Page;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The campaigns side of campaigns.csv: campaigns of one channel listed with {@code include=campaign-messages,tags}
 * (messages and tag names in the same calls), and the names of the lists and segments they were sent to. The only
 * access to the campaign, list and segment endpoints.
 */
final class CampaignCatalog {
    private CampaignCatalog() {}

    record CampaignInfo(Campaign campaign, List<CampaignMessage> messages, List<String> tags) {
        CampaignInfo {
            messages = List.copyOf(messages);
            tags = List.copyOf(tags);
        }

        /** When it was sent: the campaign's send time, else its first message's. */
        Instant sendTime() {
            if (campaign.sendTime() != null) return campaign.sendTime();
            return messages.stream().flatMap(m -> m.sendTimes().stream()).map(CampaignMessage.SendTime::datetime)
                    .filter(t -> t != null).min(Instant::compareTo).orElse(null);
        }
    }

    /**
     * Campaigns of a channel updated since {@code since}: a campaign sent then was updated when it was sent, so
     * this is a superset of those sent in the window, read in far fewer pages than the whole history.
     */
    static List<CampaignInfo> updatedSince(KlaviyoClient client, String channel, Instant since) {
        return list(client, channel, Query.all().filter(Filter.greaterOrEqual("updated_at", since)));
    }

    /** Archived campaigns among {@code ids} (ids the report names but the default listing leaves out). */
    static List<CampaignInfo> archived(KlaviyoClient client, String channel, Collection<String> ids) {
        if (ids.isEmpty()) return List.of();
        return list(client, channel, Query.all().filter(Filter.any("id", sorted(ids))).filter(Listings.ARCHIVED));
    }

    private static List<CampaignInfo> list(KlaviyoClient client, String channel, Query query) {
        Query q = query.filter(Filter.equals("messages.channel", channel)).add("include", "campaign-messages")
                .add("include", "tags");
        List<CampaignInfo> out = new ArrayList<>();
        try (Stream<Page> pages = client.list(Listings.pages(Endpoints.CAMPAIGNS), q)) {
            pages.forEach(p -> p.data().forEach(r -> {
                Campaign c = Campaign.from(r, channel);
                List<CampaignMessage> messages = new ArrayList<>();
                for (String id : relIds(r, "campaign-messages")) {
                    JsonNode m = p.included().get("campaign-message", id);
                    if (m != null) messages.add(CampaignMessage.from(m, c.id()));
                }
                List<String> tags = new ArrayList<>();
                for (String id : relIds(r, "tags")) {
                    JsonNode t = p.included().get("tag", id);
                    if (t != null) tags.add(t.path("attributes").path("name").asText(id));
                }
                tags.sort(null);
                out.add(new CampaignInfo(c, messages, tags));
            }));
        }
        return out;
    }

    /** Names of lists and segments by id: lists first, segments only for the ids no list has. */
    static Map<String, String> audienceNames(KlaviyoClient client, Collection<String> ids) {
        Map<String, String> names = new LinkedHashMap<>(names(client, Endpoints.LISTS, ids));
        List<String> rest = ids.stream().filter(id -> !names.containsKey(id)).toList();
        names.putAll(names(client, Endpoints.SEGMENTS, rest));
        return names;
    }

    private static Map<String, String> names(KlaviyoClient client, Endpoint ep, Collection<String> ids) {
        Map<String, String> out = new LinkedHashMap<>();
        if (ids.isEmpty()) return out;
        try (Stream<Page> pages = client.list(Listings.pages(ep), Query.all().filter(Filter.any("id", sorted(ids))))) {
            pages.forEach(p -> p.data().forEach(r -> out.put(r.path("id").asText(),
                    r.path("attributes").path("name").asText(r.path("id").asText()))));
        }
        return out;
    }


}
