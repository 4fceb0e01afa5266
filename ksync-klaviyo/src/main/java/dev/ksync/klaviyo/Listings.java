package dev.ksync.klaviyo;


import dev.ksync.klaviyo.Listing.Decoder;
import dev.ksync.klaviyo.endpoint.Endpoint;
import dev.ksync.klaviyo.endpoint.Endpoints;
import dev.ksync.klaviyo.wire.Campaign;
import dev.ksync.klaviyo.wire.CampaignMessage;
import dev.ksync.klaviyo.wire.Event;
import dev.ksync.klaviyo.wire.Flow;
import dev.ksync.klaviyo.wire.FlowAction;
import dev.ksync.klaviyo.wire.FlowMessage;
import dev.ksync.klaviyo.wire.KlaviyoList;
import dev.ksync.klaviyo.wire.Metric;
import dev.ksync.klaviyo.wire.Page;
import dev.ksync.klaviyo.wire.Profile;
import dev.ksync.klaviyo.wire.RawResource;
import dev.ksync.klaviyo.wire.Segment;
import dev.ksync.klaviyo.wire.Tag;
import dev.ksync.klaviyo.wire.Template;
import java.util.List;

/** The listings ksync reads, one declaration each; page them with {@link KlaviyoClient#list}. */
public final class Listings {
    private Listings() {}

    public static final Listing<Profile> PROFILES = Listing.of(Endpoints.PROFILES, Decoder.each(Profile::from))
            .slicedBy("created", Profile::created).slicedBy("updated", Profile::updated);

    /** Each event carries the metric and profile Klaviyo included, when the query asks to include them. */
    public static final Listing<Event> EVENTS = Listing.of(Endpoints.EVENTS, Decoder.page(Event::fromPage))
            .slicedBy("datetime", Event::datetime);

    public static final Listing<Metric> METRICS = Listing.of(Endpoints.METRICS, Decoder.each(Metric::from));

    /**
     * Klaviyo's flows and campaigns listings leave archived ones out unless the filter asks about {@code archived}
     * (which takes {@code equals} only, so no one listing has both): this filter lists the archived ones.
     */
    public static final Filter ARCHIVED = Filter.equals("archived", true);

    /**
     * The query as given (Klaviyo's default: the unarchived flows or campaigns) and the same query for the archived
     * ones: every flow or campaign it selects, for one listing more.
     */
    public static List<Query> andArchived(Query q) {
        return List.of(q, q.filter(ARCHIVED));
    }

    /** Unarchived flows unless the query has {@link #ARCHIVED} (see {@link #andArchived}). */
    public static final Listing<Flow> FLOWS = Listing.of(Endpoints.FLOWS, Decoder.each(Flow::from))
            .slicedBy("created", Flow::created).slicedBy("updated", Flow::updated);

    /** Nested: {@code Query.of(flowId)}. */
    public static final Listing<FlowAction> FLOW_ACTIONS = Listing.of(Endpoints.FLOW_ACTIONS, Decoder.eachWithParent(FlowAction::from));

    /** Nested: {@code Query.of(flowActionId)}. */
    public static final Listing<FlowMessage> FLOW_MESSAGES = Listing.of(Endpoints.FLOW_MESSAGES, Decoder.eachWithParent(FlowMessage::from));

    /** Nested: {@code Query.of(campaignId)}. */
    public static final Listing<CampaignMessage> CAMPAIGN_MESSAGES = Listing.of(Endpoints.CAMPAIGN_MESSAGES,
            Decoder.eachWithParent(CampaignMessage::from));

    public static final Listing<KlaviyoList> LISTS = Listing.of(Endpoints.LISTS, Decoder.each(KlaviyoList::from))
            .slicedBy("created", KlaviyoList::created);

    public static final Listing<Segment> SEGMENTS = Listing.of(Endpoints.SEGMENTS, Decoder.each(Segment::from))
            .slicedBy("created", Segment::created);

    public static final Listing<Template> TEMPLATES = Listing.of(Endpoints.TEMPLATES, Decoder.each(Template::from))
            .slicedBy("created", Template::created);

    public static final Listing<Tag> TAGS = Listing.of(Endpoints.TAGS, Decoder.each(Tag::from));

    /**
     * Klaviyo lists campaigns one channel at a time: {@code email}, {@code sms} or {@code mobile_push}; unarchived ones
     * unless the query has {@link #ARCHIVED} (see {@link #andArchived}).
     */
    public static Listing<Campaign> campaigns(String channel) {
        return Listing.of(Endpoints.CAMPAIGNS, Decoder.each(r -> Campaign.from(r, channel)))
                .always(Filter.equals("messages.channel", channel));
    }

    /**
     * Any GET listing as whole pages with their {@code included[]}, for listings read with {@code include} (flows
     * with their actions and tags, campaigns with their messages and tags: one call a page, not one per object).
     */
    public static Listing<Page> pages(Endpoint endpoint) {
        return Listing.of(endpoint, Decoder.page(List::of));
    }

    /** Any GET listing as raw resources, for raw ingestion: each {@code data[]} item exactly as Klaviyo sent it. */
    public static Listing<RawResource> raw(Endpoint endpoint) {
        return Listing.of(endpoint, Decoder.rawPage(Page::raw));
    }
}
