package dev.ksync.sandbox.data;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The account's small, fully materialised objects (metrics, lists, segments, tags, templates, flows
 * with actions and messages, campaigns with messages), generated once from the seed.
 */
public record Catalog(Account account, List<Metric> metrics, List<TagGroup> tagGroups, List<Tag> tags,
                      List<ProfileList> lists, List<Segment> segments, List<Template> templates, List<Flow> flows,
                      List<FlowAction> flowActions, List<FlowMessage> flowMessages, List<Campaign> campaigns,
                      List<CampaignMessage> campaignMessages, int importListIndex, int smsListIndex) {

    /** Metric names, in the order their index is used by the event log. */
    public static final String RECEIVED_EMAIL = "Received Email", OPENED_EMAIL = "Opened Email",
            CLICKED_EMAIL = "Clicked Email", BOUNCED_EMAIL = "Bounced Email", SPAM = "Marked Email as Spam",
            UNSUBSCRIBED = "Unsubscribed", RECEIVED_SMS = "Received SMS", CLICKED_SMS = "Clicked SMS",
            FAILED_SMS = "Failed to Deliver SMS", UNSUBSCRIBED_SMS = "Unsubscribed from SMS",
            PLACED_ORDER = "Placed Order", ORDERED_PRODUCT = "Ordered Product", STARTED_CHECKOUT = "Started Checkout",
            VIEWED_PRODUCT = "Viewed Product", SUBSCRIBED_TO_LIST = "Subscribed to List", FULFILLED_ORDER = "Fulfilled Order";

    static final String[][] METRIC_DEFS = {
            {RECEIVED_EMAIL, "klaviyo"}, {OPENED_EMAIL, "klaviyo"}, {CLICKED_EMAIL, "klaviyo"}, {BOUNCED_EMAIL, "klaviyo"},
            {SPAM, "klaviyo"}, {UNSUBSCRIBED, "klaviyo"}, {RECEIVED_SMS, "klaviyo"}, {CLICKED_SMS, "klaviyo"},
            {FAILED_SMS, "klaviyo"}, {UNSUBSCRIBED_SMS, "klaviyo"}, {PLACED_ORDER, "shopify"}, {ORDERED_PRODUCT, "shopify"},
            {STARTED_CHECKOUT, "shopify"}, {FULFILLED_ORDER, "shopify"}, {VIEWED_PRODUCT, "api"}, {SUBSCRIBED_TO_LIST, "klaviyo"}};

    public static Catalog generate(long seed, ZoneId zone, String currency, LocalDate firstDay, int days) {
        Rng.Stream r = new Rng.Stream(Rng.hash(seed, 7_000));
        ZoneId z = zone;
        Instant historyStart = firstDay.atStartOfDay(z).toInstant();
        Instant historyEnd = firstDay.plusDays(days).atStartOfDay(z).toInstant();
        Instant accountCreated = historyStart.minus(400, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);

        Account account = new Account(Ids.short6(Rng.hash(seed, 1)), "Northwind Outfitters", z, currency,
                Ids.short6(Rng.hash(seed, 1)), "Northwind Outfitters", "hello@northwind-outfitters.example",
                "https://northwind-outfitters.example", "Apparel & Accessories", "en-US",
                "125 Harbor Way", "Portland", "OR", "US", "97204");

        List<Metric> metrics = new ArrayList<>();
        String shopifyIntegration = Ids.short6(Rng.hash(seed, 2, 1)), klaviyoIntegration = Ids.short6(Rng.hash(seed, 2, 2)),
                apiIntegration = Ids.short6(Rng.hash(seed, 2, 3));
        for (int k = 0; k < METRIC_DEFS.length; k++) {
            String integ = METRIC_DEFS[k][1];
            Instant c = accountCreated.plus(k, ChronoUnit.HOURS);
            metrics.add(switch (integ) {
                case "shopify" -> new Metric(Ids.short6(Rng.hash(seed, 3, k)), METRIC_DEFS[k][0], c, c, shopifyIntegration, "shopify", "Shopify", "eCommerce");
                case "api" -> new Metric(Ids.short6(Rng.hash(seed, 3, k)), METRIC_DEFS[k][0], c, c, apiIntegration, "api", "API", "Custom");
                default -> new Metric(Ids.short6(Rng.hash(seed, 3, k)), METRIC_DEFS[k][0], c, c, klaviyoIntegration, "klaviyo", "Klaviyo", "Internal");
            });
        }

        TagGroup group = new TagGroup(Ids.uuid(Rng.hash(seed, 4)), "Default Tag Group", false, true);
        String[] tagNames = {"Welcome", "Retention", "Promo", "Seasonal", "Newsletter", "SMS", "VIP", "Abandonment", "Post-Purchase", "Test"};
        List<Tag> tags = new ArrayList<>();
        for (int k = 0; k < tagNames.length; k++) tags.add(new Tag(Ids.uuid(Rng.hash(seed, 5, k)), tagNames[k], group.id()));

        String[][] listDefs = {{"Newsletter", "0.55", "double_opt_in"}, {"VIP Customers", "0.08", "single_opt_in"},
                {"Shopify Customers", "0.40", "single_opt_in"}, {"Imported Leads 2023", "0.0", "single_opt_in"},
                {"SMS Subscribers", "0.0", "single_opt_in"}, {"Sweepstakes Entries", "0.18", "single_opt_in"},
                {"Wholesale", "0.03", "single_opt_in"}, {"Preview List", "0.002", "single_opt_in"},
                {"Back in Stock Waitlist", "0.06", "single_opt_in"}, {"Early Access", "0.12", "double_opt_in"},
                {"Product Launch 2025", "0.2", "single_opt_in"}, {"Holiday Gift Guide", "0.25", "single_opt_in"},
                {"Loyalty Members", "0.15", "single_opt_in"}};
        List<ProfileList> lists = new ArrayList<>();
        for (int k = 0; k < listDefs.length; k++) {
            Instant c = accountCreated.plus(k * 9L, ChronoUnit.DAYS).plusSeconds(r.below(86_400));
            lists.add(new ProfileList(Ids.short6(Rng.hash(seed, 6, k)), listDefs[k][0], c, c.plus(r.below(300), ChronoUnit.DAYS),
                    listDefs[k][2], Double.parseDouble(listDefs[k][1]), k % 4 == 0 ? List.of(tags.get(4).id()) : List.of()));
        }
        String[][] segDefs = {{"Engaged (30 days)", "0.30"}, {"Engaged (90 days)", "0.45"}, {"Repeat Buyers", "0.12"},
                {"At Risk Customers", "0.10"}, {"Never Purchased", "0.55"}, {"High AOV", "0.07"}, {"Unengaged 180 days", "0.20"},
                {"SMS Engaged", "0.08"}, {"Birthday This Month", "0.08"}, {"Cart Abandoners", "0.09"}, {"Newsletter Only", "0.25"}};
        List<Segment> segments = new ArrayList<>();
        for (int k = 0; k < segDefs.length; k++) {
            Instant c = accountCreated.plus(20 + k * 13L, ChronoUnit.DAYS).plusSeconds(r.below(86_400));
            segments.add(new Segment(Ids.short6(Rng.hash(seed, 8, k)), segDefs[k][0], c, c.plus(r.below(400), ChronoUnit.DAYS),
                    k != 6, k < 2, Double.parseDouble(segDefs[k][1]), k == 0 ? List.of(tags.get(6).id()) : List.of()));
        }

        List<Template> templates = new ArrayList<>();
        String[] editors = {"SYSTEM_DRAGGABLE", "CODE", "USER_DRAGGABLE", "SIMPLE"};
        for (int k = 0; k < 36; k++) {
            Instant c = accountCreated.plus(k * 17L, ChronoUnit.DAYS).plusSeconds(r.below(86_400));
            String name = "Template " + (k + 1) + (k % 3 == 0 ? " – Promo" : k % 3 == 1 ? " – Newsletter" : " – Flow");
            templates.add(new Template(Ids.short6(Rng.hash(seed, 9, k)), name, editors[k % editors.length],
                    "<html><body><h1>" + name + "</h1><p>Hello {{ first_name|default:'there' }}</p><a href=\"https://northwind-outfitters.example/shop\">Shop now</a></body></html>",
                    name + "\nHello {{ first_name|default:'there' }}\nShop now: https://northwind-outfitters.example/shop",
                    c, c.plus(r.below(200), ChronoUnit.DAYS)));
        }

        // Flows: every status, some archived, each with a chain of send/delay actions.
        Object[][] flowDefs = {
                {"Welcome Series", "live", false, "Added to List", "E D E D E", 0.004},
                {"Abandoned Cart Reminder", "live", false, "Metric", "D E D S E", 0.003},
                {"Browse Abandonment", "live", false, "Metric", "D E", 0.003},
                {"Post-Purchase Thank You", "live", false, "Metric", "E D E", 0.002},
                {"Winback – 90 Days", "live", false, "Metric", "E D E", 0.0015},
                {"Birthday Discount", "live", false, "Date Based", "E S", 0.001},
                {"SMS Welcome", "live", false, "Added to List", "S D S", 0.002},
                {"Back in Stock", "manual", false, "Low Inventory", "E", 0.001},
                {"Price Drop Alert", "manual", false, "Price Drop", "E S", 0.0008},
                {"VIP Upgrade (draft)", "draft", false, "Metric", "E D E", 0.0},
                {"Sunset Unengaged", "draft", false, "Unconfigured", "E", 0.0},
                {"Holiday Countdown 2024", "draft", true, "Date Based", "E D E", 0.0025},
                {"Old Welcome Series", "manual", true, "Added to List", "E D E", 0.003}};
        List<Flow> flows = new ArrayList<>();
        List<FlowAction> actions = new ArrayList<>();
        List<FlowMessage> flowMessages = new ArrayList<>();
        int templateCursor = 0;
        for (int f = 0; f < flowDefs.length; f++) {
            Object[] d = flowDefs[f];
            String flowId = Ids.short6(Rng.hash(seed, 10, f));
            String status = (String) d[1];
            boolean archived = (Boolean) d[2];
            Instant created = accountCreated.plus(30 + f * 23L, ChronoUnit.DAYS).plusSeconds(r.below(86_400));
            Instant activeUntil = historyEnd;
            Instant updated = created.plus(10 + r.below(200), ChronoUnit.DAYS);
            if (archived) {
                // Archived flows sent messages for a while inside the history, then stopped.
                activeUntil = historyStart.plus(Duration.between(historyStart, historyEnd).dividedBy(2 + f % 2)).truncatedTo(ChronoUnit.SECONDS);
                updated = activeUntil;
            }
            if (updated.isAfter(historyEnd)) updated = historyEnd.minusSeconds(3600 + r.below(86_400));
            String[] steps = ((String) d[4]).split(" ");
            List<String> actionIds = new ArrayList<>();
            for (int s = 0; s < steps.length; s++) actionIds.add(String.valueOf(90_000_000 + Rng.below(Rng.hash(seed, 11, f * 100L + s), 9_000_000) * 10 + s));
            String actionStatus = status.equals("live") ? "live" : status.equals("manual") ? "manual" : "draft";
            int emailNo = 0, smsNo = 0;
            for (int s = 0; s < steps.length; s++) {
                String aid = actionIds.get(s);
                String next = s + 1 < steps.length ? actionIds.get(s + 1) : null;
                Instant ac = created.plusSeconds(60L * (s + 1));
                switch (steps[s]) {
                    case "D" -> actions.add(new FlowAction(aid, flowId, "time-delay", actionStatus, ac, ac, next, 24 * (1 + s % 3), List.of()));
                    default -> {
                        boolean email = steps[s].equals("E");
                        String mid = Ids.short6(Rng.hash(seed, 12, f * 100L + s));
                        String name = d[0] + (email ? " – Email " + (++emailNo) : " – SMS " + (++smsNo));
                        String templateId = email ? templates.get(templateCursor++ % templates.size()).id() : null;
                        flowMessages.add(new FlowMessage(mid, flowMessages.size(), flowId, aid, name, email ? "email" : "sms",
                                email ? subjectFor((String) d[0], emailNo) : null, email ? "Something for you inside" : null,
                                email ? account.senderEmail() : null, email ? account.senderName() : null,
                                email ? null : "Northwind: " + d[0] + " – tap to shop https://nwo.example/s Reply STOP to opt out",
                                templateId, ac, updated.isBefore(ac) ? ac : updated));
                        actions.add(new FlowAction(aid, flowId, email ? "send-email" : "send-sms", actionStatus, ac,
                                updated.isBefore(ac) ? ac : updated, next, 0, List.of(mid)));
                    }
                }
            }
            List<String> flowTags = f % 3 == 0 ? List.of(tags.get(0).id()) : f % 3 == 1 ? List.of(tags.get(1).id(), tags.get(7).id()) : List.of();
            String triggerId = switch ((String) d[3]) {
                case "Added to List" -> lists.get(f == 6 ? 4 : 0).id();
                case "Metric" -> metrics.get(f == 3 ? 10 : f == 2 ? 14 : 12).id();
                default -> null;
            };
            Instant activeFrom = status.equals("draft") && !archived ? historyEnd : created;
            flows.add(new Flow(flowId, (String) d[0], status, archived, created, updated, (String) d[3], triggerId, flowTags,
                    actionIds, activeFrom, activeUntil, (Double) d[5]));
        }

        // Campaigns: email about twice a week, SMS every other week, plus drafts, scheduled and cancelled ones.
        List<Campaign> campaigns = new ArrayList<>();
        List<CampaignMessage> campaignMessages = new ArrayList<>();
        int messageIndex = flowMessages.size();
        String[] themes = {"New Arrivals", "Weekend Sale", "Summer Collection", "Staff Picks", "Free Shipping Friday",
                "Back to School", "Holiday Gift Guide", "Flash Sale", "Members Only", "Restocked Favorites", "Fall Essentials",
                "Cyber Week", "Spring Preview", "Last Chance", "Customer Stories"};
        List<String[]> plan = new ArrayList<>();
        for (int day = 2; day < days; day += 3 + (day % 2)) plan.add(new String[]{"email", String.valueOf(day), "Sent"});
        for (int day = 5; day < days; day += 14) plan.add(new String[]{"sms", String.valueOf(day), "Sent"});
        for (int k = 0; k < 6; k++) plan.add(new String[]{k % 3 == 2 ? "sms" : "email", String.valueOf(days + 2 + k * 3), "Scheduled"});
        for (int k = 0; k < 8; k++) plan.add(new String[]{k % 4 == 3 ? "sms" : "email", String.valueOf(-1), "Draft"});
        for (int k = 0; k < 3; k++) plan.add(new String[]{"email", String.valueOf(Math.max(1, days / 3 + k * 7) % days), "Cancelled"});
        LocalTime[] sendTimes = {LocalTime.of(10, 0), LocalTime.of(9, 30), LocalTime.of(12, 0), LocalTime.of(17, 15)};
        for (int c = 0; c < plan.size(); c++) {
            String channel = plan.get(c)[0];
            int day = Integer.parseInt(plan.get(c)[1]);
            String status = plan.get(c)[2];
            Instant send = day < 0 ? null : firstDay.plusDays(day).atTime(sendTimes[c % sendTimes.length]).atZone(z).toInstant();
            Instant created = send == null ? historyEnd.minus(1 + r.below(60), ChronoUnit.DAYS).plusSeconds(r.below(86_400))
                    : send.minus(2 + r.below(6), ChronoUnit.DAYS).plusSeconds(r.below(36_000));
            // a campaign scheduled for next week was made before now: Klaviyo never lists a created/updated in the future
            if (created.isAfter(historyEnd.minus(3, ChronoUnit.HOURS))) created = historyEnd.minus(3, ChronoUnit.HOURS);
            String theme = themes[c % themes.length];
            String name = (channel.equals("sms") ? "SMS: " : "") + theme + " " + (send == null ? "(draft " + (c + 1) + ")"
                    : send.atZone(z).toLocalDate().toString());
            Instant updated = send == null ? created.plusSeconds(3600) : ("Sent".equals(status) ? send.plusSeconds(1800) : created.plusSeconds(7200));
            if (updated.isAfter(historyEnd) && !status.equals("Scheduled")) updated = historyEnd.minusSeconds(60);
            boolean archived = status.equals("Sent") && day < days / 5 && c % 4 == 0;
            List<String> included = new ArrayList<>();
            List<String> excluded = new ArrayList<>();
            if (channel.equals("sms")) included.add(lists.get(4).id());
            else {
                included.add(lists.get(c % 3 == 0 ? 0 : c % 3 == 1 ? 2 : 9).id());
                if (c % 5 == 0) included.add(segments.get(1).id());
                if (c % 2 == 0) excluded.add(segments.get(6).id());
            }
            String campaignId = Ids.ulid(created.toEpochMilli(), Rng.hash(seed, 13, c));
            String messageId = Ids.ulid(created.toEpochMilli() + 7, Rng.hash(seed, 14, c));
            Instant sendTime = status.equals("Draft") ? null : send;
            campaigns.add(new Campaign(campaignId, name, status, archived, channel, included, excluded, created,
                    status.equals("Scheduled") || status.equals("Sent") ? earliest(send.minus(1, ChronoUnit.DAYS), updated) : null,
                    updated, sendTime, List.of(messageId), c % 4 == 1 ? List.of(tags.get(2).id()) : c % 4 == 2 ? List.of(tags.get(3).id()) : List.of(),
                    c % 3 != 0));
            boolean email = channel.equals("email");
            campaignMessages.add(new CampaignMessage(messageId, messageIndex++, campaignId, channel, name,
                    email ? theme + " – up to " + (10 + (c % 5) * 10) + "% off" : null,
                    email ? "Don't miss out on " + theme.toLowerCase() : null,
                    email ? account.senderEmail() : null, email ? account.senderName() : null,
                    email ? null : "Northwind: " + theme + "! Shop now https://nwo.example/c" + c + " Reply STOP to opt out",
                    email ? templates.get(c % templates.size()).id() : null, sendTime, created, updated));
        }
        return new Catalog(account, List.copyOf(metrics), List.of(group), List.copyOf(tags), List.copyOf(lists),
                List.copyOf(segments), List.copyOf(templates), List.copyOf(flows), List.copyOf(actions),
                List.copyOf(flowMessages), List.copyOf(campaigns), List.copyOf(campaignMessages), 3, 4);
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static String subjectFor(String flow, int n) {
        return switch (n) {
            case 1 -> flow + ": welcome to Northwind";
            case 2 -> flow + ": still thinking it over?";
            default -> flow + ": a little something for you";
        };
    }

    public Metric metricNamed(String name) {
        for (Metric m : metrics) if (m.name().equals(name)) return m;
        throw new IllegalArgumentException("no metric " + name);
    }
}
