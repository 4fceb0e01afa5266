package dev.ksync.sandbox.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ksync.sandbox.data.Account;
import dev.ksync.sandbox.data.Campaign;
import dev.ksync.sandbox.data.CampaignMessage;
import dev.ksync.sandbox.data.Event;
import dev.ksync.sandbox.data.Flow;
import dev.ksync.sandbox.data.FlowAction;
import dev.ksync.sandbox.data.FlowMessage;
import dev.ksync.sandbox.data.Metric;
import dev.ksync.sandbox.data.Profile;
import dev.ksync.sandbox.data.ProfileList;
import dev.ksync.sandbox.data.SandboxData;
import dev.ksync.sandbox.data.Segment;
import dev.ksync.sandbox.data.Tag;
import dev.ksync.sandbox.data.TagGroup;
import dev.ksync.sandbox.data.Template;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static dev.ksync.sandbox.api.Json.obj;
import static dev.ksync.sandbox.api.Json.time;

/**
 * Renders the ground truth as JSON:API resources in the shapes of the spec's response schemas.
 * {@code withData} names relationships whose {@code data} is filled (those asked for in include).
 */
public final class Resources {
    private final SandboxData data;
    private final Links links;
    private final ObjectMapper mapper;
    private final EventJson events;

    public Resources(SandboxData data, Links links, ObjectMapper mapper) {
        this.data = data;
        this.links = links;
        this.mapper = mapper;
        this.events = new EventJson(links, mapper);
    }

    /** The event resource's one definition, for pages that stream it. */
    EventJson events() { return events; }

    private ObjectNode shell(String type, String id) {
        ObjectNode o = obj();
        o.put("type", type);
        o.put("id", id);
        return o;
    }

    private ObjectNode relationships(ObjectNode resource) {
        return resource.putObject("relationships");
    }

    private void toMany(ObjectNode rels, String collection, String id, String rel, String type, List<String> ids, boolean withData) {
        ObjectNode r = obj();
        if (withData) {
            ArrayNode a = r.putArray("data");
            for (String x : ids) a.add(Json.ref(type, x));
        }
        r.set("links", links.relationship(collection, id, rel).get("links"));
        rels.set(rel, r);
    }

    private void toOne(ObjectNode rels, String collection, String id, String rel, String type, String target, boolean withData) {
        ObjectNode r = obj();
        if (withData) {
            if (target == null) r.putNull("data");
            else r.set("data", Json.ref(type, target));
        }
        r.set("links", links.relationship(collection, id, rel).get("links"));
        rels.set(rel, r);
    }

    public ObjectNode account(Account a) {
        ObjectNode o = shell("account", a.id());
        ObjectNode at = o.putObject("attributes");
        at.put("test_account", false);
        ObjectNode ci = at.putObject("contact_information");
        ci.put("default_sender_name", a.senderName());
        ci.put("default_sender_email", a.senderEmail());
        ci.put("website_url", a.websiteUrl());
        ci.put("organization_name", a.organizationName());
        ObjectNode sa = ci.putObject("street_address");
        sa.put("address1", a.address1());
        sa.putNull("address2");
        sa.put("city", a.city());
        sa.put("region", a.region());
        sa.put("country", a.country());
        sa.put("zip", a.zip());
        at.put("industry", a.industry());
        at.put("timezone", a.timezone().getId());
        at.put("preferred_currency", a.currency());
        at.put("public_api_key", a.publicApiKey());
        at.put("locale", a.locale());
        o.set("links", links.selfLinks("accounts", a.id()));
        return o;
    }

    public ObjectNode profile(Profile p, boolean subscriptions, boolean predictive, Set<String> withData) {
        ObjectNode o = shell("profile", p.id());
        ObjectNode at = o.putObject("attributes");
        at.put("email", p.email());
        at.put("phone_number", p.phoneNumber());
        at.put("external_id", p.externalId());
        at.put("first_name", p.firstName());
        at.put("last_name", p.lastName());
        at.put("organization", p.organization());
        at.put("locale", p.locale());
        at.put("title", p.title());
        at.put("image", p.image());
        at.put("created", time(p.created()));
        at.put("updated", time(p.updated()));
        at.put("last_event_date", time(p.lastEventDate()));
        ObjectNode loc = at.putObject("location");
        Profile.Location l = p.location();
        if (l != null) {
            loc.put("address1", l.address1());
            loc.put("address2", l.address2());
            loc.put("city", l.city());
            loc.put("country", l.country());
            loc.put("latitude", l.latitude());
            loc.put("longitude", l.longitude());
            loc.put("region", l.region());
            loc.put("zip", l.zip());
            loc.put("timezone", l.timezone());
            loc.put("ip", l.ip());
        }
        at.set("properties", mapper.valueToTree(p.properties()));
        if (subscriptions) at.set("subscriptions", subscriptions(p));
        if (predictive) at.set("predictive_analytics", predictive(p.predictive()));
        ObjectNode rels = relationships(o);
        toMany(rels, "profiles", p.id(), "lists", "list", p.listIds(), withData.contains("lists"));
        toMany(rels, "profiles", p.id(), "segments", "segment", p.segmentIds(), withData.contains("segments"));
        toMany(rels, "profiles", p.id(), "push-tokens", "push-token", List.of(), withData.contains("push-tokens"));
        toMany(rels, "profiles", p.id(), "conversations", "conversation", List.of(), withData.contains("conversations"));
        o.set("links", links.selfLinks("profiles", p.id()));
        return o;
    }

    /** Profiles included by events carry no conversations relationship (ProfileResponseObjectResource). */
    public ObjectNode includedProfile(Profile p) {
        ObjectNode o = profile(p, false, false, Set.of());
        ((ObjectNode) o.get("relationships")).remove("conversations");
        return o;
    }

    private ObjectNode subscriptions(Profile p) {
        ObjectNode s = obj();
        Profile.EmailConsent e = p.emailMarketing();
        ObjectNode em = s.putObject("email").putObject("marketing");
        em.put("can_receive_email_marketing", e.canReceive());
        em.put("consent", e.consent());
        em.put("consent_timestamp", time(e.consentTimestamp()));
        em.put("last_updated", time(e.lastUpdated()));
        em.put("method", e.method());
        em.put("method_detail", e.methodDetail());
        em.putNull("custom_method_detail");
        if (e.doubleOptin() == null) em.putNull("double_optin"); else em.put("double_optin", e.doubleOptin());
        ArrayNode sup = em.putArray("suppression");
        for (Profile.Suppression x : e.suppression()) {
            ObjectNode n = sup.addObject();
            n.put("reason", x.reason());
            n.put("timestamp", time(x.timestamp()));
        }
        ArrayNode ls = em.putArray("list_suppressions");
        for (Profile.ListSuppression x : e.listSuppressions()) {
            ObjectNode n = ls.addObject();
            n.put("list_id", x.listId());
            n.put("reason", x.reason());
            n.put("timestamp", time(x.timestamp()));
        }
        ObjectNode sms = s.putObject("sms");
        Profile.SmsConsent c = p.smsMarketing();
        ObjectNode sm = sms.putObject("marketing");
        sm.put("can_receive_sms_marketing", c != null && c.canReceive());
        sm.put("consent", c == null ? "NEVER_SUBSCRIBED" : c.consent());
        sm.put("consent_timestamp", c == null ? null : time(c.consentTimestamp()));
        sm.put("method", c == null ? null : c.method());
        sm.put("method_detail", c == null ? null : c.methodDetail());
        sm.put("last_updated", c == null ? null : time(c.lastUpdated()));
        ObjectNode st = sms.putObject("transactional");
        st.put("can_receive_sms_transactional", c != null && c.canReceive());
        st.put("consent", c == null ? "NEVER_SUBSCRIBED" : c.consent());
        st.put("consent_timestamp", c == null ? null : time(c.consentTimestamp()));
        st.put("method", c == null ? null : c.method());
        st.put("method_detail", c == null ? null : c.methodDetail());
        st.put("last_updated", c == null ? null : time(c.lastUpdated()));
        ObjectNode push = s.putObject("mobile_push").putObject("marketing");
        push.put("can_receive_push_marketing", false);
        push.put("consent", "NEVER_SUBSCRIBED");
        push.putNull("consent_timestamp");
        return s;
    }

    private ObjectNode predictive(Profile.Predictive a) {
        ObjectNode o = obj();
        o.put("historic_clv", a.historicClv());
        o.put("predicted_clv", a.predictedClv());
        o.put("total_clv", a.totalClv());
        o.put("historic_number_of_orders", a.historicOrders());
        o.put("predicted_number_of_orders", a.predictedOrders());
        o.put("average_days_between_orders", a.averageDaysBetweenOrders());
        o.put("average_order_value", a.averageOrderValue());
        o.put("churn_probability", a.churnProbability());
        o.put("expected_date_of_next_order", time(a.expectedDateOfNextOrder()));
        if (a.rankedChannelAffinity() == null) o.putNull("ranked_channel_affinity");
        else o.set("ranked_channel_affinity", Json.strings(a.rankedChannelAffinity()));
        return o;
    }

    public ObjectNode event(Event e, Set<String> withData) {
        return events.tree(e, withData);
    }

    public ObjectNode metric(Metric m, Set<String> withData) {
        ObjectNode o = shell("metric", m.id());
        ObjectNode at = o.putObject("attributes");
        at.put("name", m.name());
        at.put("created", time(m.created()));
        at.put("updated", time(m.updated()));
        ObjectNode in = at.putObject("integration");
        in.put("object", "integration");
        in.put("id", m.integrationId());
        in.put("key", m.integrationKey());
        in.put("name", m.integrationName());
        in.put("category", m.integrationCategory());
        ObjectNode rels = relationships(o);
        toMany(rels, "metrics", m.id(), "flow-triggers", "flow", flowsTriggeredBy(m.id()), withData.contains("flow-triggers"));
        o.set("links", links.selfLinks("metrics", m.id()));
        return o;
    }

    public List<String> flowsTriggeredBy(String id) {
        return data.flows().stream().filter(f -> id.equals(f.triggerId())).map(Flow::id).toList();
    }

    public ObjectNode flow(Flow f, Set<String> withData) {
        ObjectNode o = shell("flow", f.id());
        ObjectNode at = o.putObject("attributes");
        at.put("name", f.name());
        at.put("status", f.status());
        at.put("archived", f.archived());
        at.put("created", time(f.created()));
        at.put("updated", time(f.updated()));
        at.put("trigger_type", f.triggerType());
        ObjectNode rels = relationships(o);
        toMany(rels, "flows", f.id(), "flow-actions", "flow-action", f.actionIds(), withData.contains("flow-actions"));
        toMany(rels, "flows", f.id(), "tags", "tag", f.tagIds(), withData.contains("tags"));
        o.set("links", links.selfLinks("flows", f.id()));
        return o;
    }

    /**
     * additional-fields[flow]=definition: the encoded flow. List and metric triggers are given;
     * the sandbox's date, price-drop and low-inventory flows report no trigger.
     */
    public ObjectNode flowDefinition(Flow f) {
        ObjectNode def = obj();
        ArrayNode triggers = def.putArray("triggers");
        if (f.triggerId() != null) {
            ObjectNode t = triggers.addObject();
            boolean list = f.triggerType().equals("Added to List");
            t.put("type", list ? "list" : "metric");
            t.put("id", f.triggerId());
            if (!list) t.putNull("trigger_filter");
        }
        def.putNull("profile_filter");
        ArrayNode actions = def.putArray("actions");
        for (String id : f.actionIds()) {
            FlowAction a = data.find("flow-action", id, FlowAction.class).orElseThrow();
            actions.add(flowAction(a, Set.of()).at("/attributes/definition"));
        }
        def.put("entry_action_id", f.actionIds().isEmpty() ? null : f.actionIds().get(0));
        def.putNull("reentry_criteria");
        return def;
    }

    public ObjectNode flowAction(FlowAction a, Set<String> withData) {
        ObjectNode o = shell("flow-action", a.id());
        ObjectNode at = o.putObject("attributes");
        at.put("created", time(a.created()));
        at.put("updated", time(a.updated()));
        ObjectNode def = at.putObject("definition");
        def.put("id", a.id());
        def.put("type", a.type());
        ObjectNode l = def.putObject("links");
        l.put("next", a.nextActionId());
        ObjectNode d = def.putObject("data");
        switch (a.type()) {
            case "time-delay" -> {
                d.put("unit", "hours");
                d.put("value", a.delayHours());
                d.putNull("secondary_value");
                d.put("timezone", data.timezone().getId());
                d.putNull("delay_until_time");
                d.putNull("delay_until_weekdays");
            }
            default -> {
                FlowMessage m = data.find("flow-message", a.messageIds().get(0), FlowMessage.class).orElseThrow();
                d.set("message", messageDefinition(m));
                d.put("status", a.status());
            }
        }
        ObjectNode rels = relationships(o);
        toOne(rels, "flow-actions", a.id(), "flow", "flow", a.flowId(), true);
        toMany(rels, "flow-actions", a.id(), "flow-messages", "flow-message", a.messageIds(), withData.contains("flow-messages"));
        o.set("links", links.selfLinks("flow-actions", a.id()));
        return o;
    }

    /** FlowEmail or FlowSms as the spec defines them. */
    private ObjectNode messageDefinition(FlowMessage m) {
        ObjectNode d = obj();
        if (m.channel().equals("email")) {
            d.put("from_email", m.fromEmail());
            d.put("from_label", m.fromLabel());
            d.put("reply_to_email", m.fromEmail());
            d.putNull("cc_email");
            d.putNull("bcc_email");
            d.put("subject_line", m.subject());
            d.put("preview_text", m.previewText());
            d.put("template_id", m.templateId());
            d.put("smart_sending_enabled", true);
            d.put("transactional", false);
            d.put("add_tracking_params", true);
            ArrayNode utm = d.putArray("custom_tracking_params");
            ObjectNode u = utm.addObject();
            u.put("param", "utm_source");
            u.put("value", "klaviyo");
            d.putNull("additional_filters");
        } else {
            d.put("body", m.body());
            d.putNull("image_id");
            d.put("shorten_links", true);
            d.put("include_contact_card", false);
            d.put("add_org_prefix", true);
            d.put("add_info_link", false);
            d.put("add_opt_out_language", true);
            d.put("smart_sending_enabled", true);
            d.put("sms_quiet_hours_enabled", true);
            d.put("transactional", false);
            d.put("add_tracking_params", true);
            d.putArray("custom_tracking_params");
            d.putNull("template_id");
            d.putNull("additional_filters");
        }
        d.put("name", m.name());
        d.put("id", m.id());
        return d;
    }

    public ObjectNode flowMessage(FlowMessage m, Set<String> withData) {
        ObjectNode o = shell("flow-message", m.id());
        ObjectNode at = o.putObject("attributes");
        at.put("channel", m.channel());
        at.put("created", time(m.created()));
        at.put("updated", time(m.updated()));
        at.set("definition", messageDefinition(m));
        ObjectNode rels = relationships(o);
        toOne(rels, "flow-messages", m.id(), "flow-action", "flow-action", m.actionId(), true);
        toOne(rels, "flow-messages", m.id(), "template", "template", m.templateId(), true);
        o.set("links", links.selfLinks("flow-messages", m.id()));
        return o;
    }

    public ObjectNode campaign(Campaign c, Set<String> withData) {
        ObjectNode o = shell("campaign", c.id());
        ObjectNode at = o.putObject("attributes");
        at.put("name", c.name());
        at.put("status", c.status());
        at.put("archived", c.archived());
        ObjectNode aud = at.putObject("audiences");
        aud.set("included", Json.strings(c.includedAudiences()));
        aud.set("excluded", Json.strings(c.excludedAudiences()));
        boolean email = c.channel().equals("email");
        ObjectNode so = at.putObject("send_options");
        so.put("use_smart_sending", c.smartSending());
        ObjectNode to = at.putObject("tracking_options");
        to.put("add_tracking_params", true);
        ArrayNode ctp = to.putArray("custom_tracking_params");
        ObjectNode p1 = ctp.addObject();
        p1.put("type", "static");
        p1.put("value", "klaviyo");
        p1.put("name", "utm_source");
        ObjectNode p2 = ctp.addObject();
        p2.put("type", "dynamic");
        p2.put("value", "campaign_name");
        p2.put("name", "utm_campaign");
        if (email) {
            to.put("is_tracking_clicks", true);
            to.put("is_tracking_opens", true);
        }
        ObjectNode ss = at.putObject("send_strategy");
        ss.put("method", "static");
        Instant planned = c.sendTime() != null ? c.sendTime() : c.updated().plus(Duration.ofDays(7));
        ss.put("datetime", time(planned));
        ss.putObject("options").put("is_local", false);
        at.put("created_at", time(c.created()));
        at.put("scheduled_at", time(c.scheduledAt()));
        at.put("updated_at", time(c.updated()));
        at.put("send_time", time(c.sendTime()));
        ObjectNode rels = relationships(o);
        toMany(rels, "campaigns", c.id(), "campaign-messages", "campaign-message", c.messageIds(), true);
        toMany(rels, "campaigns", c.id(), "tags", "tag", c.tagIds(), withData.contains("tags"));
        o.set("links", links.selfLinks("campaigns", c.id()));
        return o;
    }

    public ObjectNode campaignMessage(CampaignMessage m, Set<String> withData) {
        ObjectNode o = shell("campaign-message", m.id());
        ObjectNode at = o.putObject("attributes");
        ObjectNode def = at.putObject("definition");
        def.put("channel", m.channel());
        if (m.channel().equals("email")) {
            def.put("label", m.label());
            ObjectNode c = def.putObject("content");
            c.put("subject", m.subject());
            c.put("preview_text", m.previewText());
            c.put("from_email", m.fromEmail());
            c.put("from_label", m.fromLabel());
            c.put("reply_to_email", m.fromEmail());
            c.putNull("cc_email");
            c.putNull("bcc_email");
        } else {
            ObjectNode c = def.putObject("content");
            c.put("body", m.body());
            c.putNull("media_url");
            ObjectNode r = def.putObject("render_options");
            r.put("shorten_links", true);
            r.put("add_org_prefix", true);
            r.put("add_info_link", false);
            r.put("add_opt_out_language", true);
        }
        ArrayNode st = at.putArray("send_times");
        if (m.sendTime() != null) {
            ObjectNode t = st.addObject();
            t.put("datetime", time(m.sendTime()));
            t.put("is_local", false);
        }
        at.put("created_at", time(m.created()));
        at.put("updated_at", time(m.updated()));
        ObjectNode rels = relationships(o);
        toOne(rels, "campaign-messages", m.id(), "campaign", "campaign", m.campaignId(), true);
        toOne(rels, "campaign-messages", m.id(), "template", "template", m.templateId(), true);
        toOne(rels, "campaign-messages", m.id(), "image", "image", null, true);
        o.set("links", links.selfLinks("campaign-messages", m.id()));
        return o;
    }

    public ObjectNode list(ProfileList l, Set<String> withData) {
        ObjectNode o = shell("list", l.id());
        ObjectNode at = o.putObject("attributes");
        at.put("name", l.name());
        at.put("created", time(l.created()));
        at.put("updated", time(l.updated()));
        at.put("opt_in_process", l.optInProcess());
        ObjectNode rels = relationships(o);
        rels.set("profiles", links.relationship("lists", l.id(), "profiles"));
        toMany(rels, "lists", l.id(), "tags", "tag", l.tagIds(), withData.contains("tags"));
        toMany(rels, "lists", l.id(), "flow-triggers", "flow", flowsTriggeredBy(l.id()), withData.contains("flow-triggers"));
        o.set("links", links.selfLinks("lists", l.id()));
        return o;
    }

    public ObjectNode segment(Segment s, Set<String> withData) {
        ObjectNode o = shell("segment", s.id());
        ObjectNode at = o.putObject("attributes");
        at.put("name", s.name());
        at.put("created", time(s.created()));
        at.put("updated", time(s.updated()));
        at.put("is_active", s.active());
        at.put("is_processing", false);
        at.put("is_starred", s.starred());
        ObjectNode rels = relationships(o);
        rels.set("profiles", links.relationship("segments", s.id(), "profiles"));
        toMany(rels, "segments", s.id(), "tags", "tag", s.tagIds(), withData.contains("tags"));
        toMany(rels, "segments", s.id(), "flow-triggers", "flow", flowsTriggeredBy(s.id()), withData.contains("flow-triggers"));
        o.set("links", links.selfLinks("segments", s.id()));
        return o;
    }

    public ObjectNode template(Template t) {
        ObjectNode o = shell("template", t.id());
        ObjectNode at = o.putObject("attributes");
        at.put("name", t.name());
        at.put("editor_type", t.editorType());
        at.put("html", t.html());
        at.put("text", t.text());
        at.putNull("amp");
        at.put("created", time(t.created()));
        at.put("updated", time(t.updated()));
        o.set("links", links.selfLinks("templates", t.id()));
        return o;
    }

    public ObjectNode tag(Tag t, Set<String> withData) {
        ObjectNode o = shell("tag", t.id());
        o.putObject("attributes").put("name", t.name());
        ObjectNode rels = relationships(o);
        toOne(rels, "tags", t.id(), "tag-group", "tag-group", t.tagGroupId(), withData.contains("tag-group"));
        for (String rel : List.of("lists", "segments", "campaigns", "flows")) rels.set(rel, links.relationship("tags", t.id(), rel));
        o.set("links", links.selfLinks("tags", t.id()));
        return o;
    }

    public ObjectNode tagGroup(TagGroup g) {
        ObjectNode o = shell("tag-group", g.id());
        ObjectNode at = o.putObject("attributes");
        at.put("name", g.name());
        at.put("exclusive", g.exclusive());
        at.put("default", g.isDefault());
        relationships(o).set("tags", links.relationship("tag-groups", g.id(), "tags"));
        o.set("links", links.selfLinks("tag-groups", g.id()));
        return o;
    }

    /** Renders any small object by JSON:API type, for included[]. */
    public ObjectNode byType(String type, String id) {
        return switch (type) {
            case "metric" -> data.find(type, id, Metric.class).map(m -> metric(m, Set.of())).orElse(null);
            case "flow" -> data.find(type, id, Flow.class).map(f -> flow(f, Set.of())).orElse(null);
            case "flow-action" -> data.find(type, id, FlowAction.class).map(a -> flowAction(a, Set.of())).orElse(null);
            case "flow-message" -> data.find(type, id, FlowMessage.class).map(m -> flowMessage(m, Set.of())).orElse(null);
            case "campaign" -> data.find(type, id, Campaign.class).map(c -> campaign(c, Set.of())).orElse(null);
            case "campaign-message" -> data.find(type, id, CampaignMessage.class).map(m -> campaignMessage(m, Set.of())).orElse(null);
            case "list" -> data.find(type, id, ProfileList.class).map(l -> list(l, Set.of())).orElse(null);
            case "segment" -> data.find(type, id, Segment.class).map(s -> segment(s, Set.of())).orElse(null);
            case "template" -> data.find(type, id, Template.class).map(this::template).orElse(null);
            case "tag" -> data.find(type, id, Tag.class).map(t -> tag(t, Set.of())).orElse(null);
            case "tag-group" -> data.find(type, id, TagGroup.class).map(this::tagGroup).orElse(null);
            case "profile" -> data.profileById(id).map(this::includedProfile).orElse(null);
            default -> null;
        };
    }

}
