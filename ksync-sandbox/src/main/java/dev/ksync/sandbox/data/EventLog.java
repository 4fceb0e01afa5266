package dev.ksync.sandbox.data;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Events over the history, generated one account-timezone day at a time from (seed, day): campaign
 * sends to their audiences, flow sends to daily entrants, and what follows each send that day
 * (opens, clicks, bounces, unsubscribes, spam complaints, attributed orders; with trail days, a campaign send's
 * follow-ups spread over that many days after its send day), plus organic orders.
 * Days are cached in a bounded LRU, so memory stays flat however long the history is.
 */
public final class EventLog {
    public static final int RECEIVED_EMAIL = 0, OPENED_EMAIL = 1, CLICKED_EMAIL = 2, BOUNCED_EMAIL = 3, SPAM = 4,
            UNSUBSCRIBED = 5, RECEIVED_SMS = 6, CLICKED_SMS = 7, FAILED_SMS = 8, UNSUBSCRIBED_SMS = 9, PLACED_ORDER = 10,
            ORDERED_PRODUCT = 11, STARTED_CHECKOUT = 12, FULFILLED_ORDER = 13, VIEWED_PRODUCT = 14;

    private static final long MAX_CACHED_EVENTS = 3_000_000;

    private final long seed;
    private final Catalog catalog;
    private final Profiles profiles;
    private final int days;
    /** Days after its send day a campaign send's follow-up events may fall on. */
    private final int trailDays;
    private final long[] dayStart; // epoch seconds, days + 1 entries
    private final List<List<Send>> sendsByDay = new ArrayList<>();
    /** Every sent campaign message, newest first, for the per-profile last event. */
    private final List<Send> sendsNewestFirst = new ArrayList<>();
    private final List<List<FlowMessage>> sendableByFlow = new ArrayList<>();
    private final Map<String, Campaign> campaignsById = new HashMap<>();
    private final Map<String, Integer> metricIndex = new HashMap<>();
    private final Object[] messages; // FlowMessage or CampaignMessage by account-wide index
    private final long idMask;
    /** Consent changes that leave an event: epoch seconds, profile, metric; sorted by time. */
    private final long[] stateSeconds;
    private final int[] stateProfiles;
    private final byte[] stateMetrics;
    private final LinkedHashMap<Integer, DayEvents> cache = new LinkedHashMap<>(64, 0.75f, true);
    private long cachedEvents;
    private final Object lastDrawnLock = new Object();
    private volatile int[] lastDrawn;

    EventLog(long seed, Catalog catalog, Profiles profiles, ZoneId zone, LocalDate firstDay, int days, int trailDays) {
        this.seed = seed;
        this.trailDays = trailDays;
        this.catalog = catalog;
        this.profiles = profiles;
        this.days = days;
        this.dayStart = new long[days + 1];
        for (int d = 0; d <= days; d++) dayStart[d] = firstDay.plusDays(d).atStartOfDay(zone).toEpochSecond();
        for (int d = 0; d < days; d++) sendsByDay.add(new ArrayList<>());
        for (Campaign c : catalog.campaigns()) campaignsById.put(c.id(), c);
        for (CampaignMessage m : catalog.campaignMessages()) {
            Campaign c = campaignsById.get(m.campaignId());
            if (!c.sent() || m.sendTime() == null) continue;
            int d = dayOf(m.sendTime().getEpochSecond());
            if (d >= 0) sendsByDay.get(d).add(new Send(m, c, d, m.sendTime().getEpochSecond(), m.channel().equals("email")));
        }
        for (List<Send> day : sendsByDay) sendsNewestFirst.addAll(day);
        sendsNewestFirst.sort(Comparator.comparingLong(Send::second).reversed());
        for (Flow f : catalog.flows()) {
            List<FlowMessage> out = new ArrayList<>();
            for (FlowMessage m : catalog.flowMessages()) if (m.flowId().equals(f.id())) out.add(m);
            sendableByFlow.add(List.copyOf(out));
        }
        for (int k = 0; k < catalog.metrics().size(); k++) metricIndex.put(catalog.metrics().get(k).id(), k);
        messages = new Object[catalog.flowMessages().size() + catalog.campaignMessages().size()];
        for (FlowMessage m : catalog.flowMessages()) messages[m.index()] = m;
        for (CampaignMessage m : catalog.campaignMessages()) messages[m.index()] = m;
        idMask = Rng.hash(seed, 99) & ((1L << 40) - 1);
        // Profiles that unsubscribed, bounced or complained inside the history did so with an event.
        long[] keys = new long[Math.max(16, profiles.count() / 4)];
        int n = 0;
        for (int i = 0; i < profiles.count(); i++) {
            int metric = switch (profiles.emailState(i)) {
                case UNSUBSCRIBED -> UNSUBSCRIBED;
                case SPAM_COMPLAINT -> SPAM;
                case HARD_BOUNCE -> BOUNCED_EMAIL;
                default -> -1;
            };
            if (metric < 0) continue;
            long sec = profiles.consentMillis(i) / 1000;
            if (sec < dayStart[0] || sec >= dayStart[days]) continue;
            if (n == keys.length) keys = Arrays.copyOf(keys, n * 2);
            // seconds since history start (< 2^29 for ten years) | metric (4 bits) | profile (27 bits)
            keys[n++] = ((sec - dayStart[0]) << 31) | ((long) metric << 27) | i;
        }
        keys = Arrays.copyOf(keys, n);
        Arrays.sort(keys);
        stateSeconds = new long[n];
        stateProfiles = new int[n];
        stateMetrics = new byte[n];
        for (int k = 0; k < n; k++) {
            stateSeconds[k] = dayStart[0] + (keys[k] >>> 31);
            stateMetrics[k] = (byte) ((keys[k] >>> 27) & 0xF);
            stateProfiles[k] = (int) (keys[k] & ((1 << 27) - 1));
        }
    }

    public int days() { return days; }

    public Instant dayStart(int d) { return Instant.ofEpochSecond(dayStart[d]); }

    /** Day index holding this epoch second, or -1 outside the history. */
    public int dayOf(long epochSecond) {
        if (epochSecond < dayStart[0] || epochSecond >= dayStart[days]) return -1;
        int i = Arrays.binarySearch(dayStart, epochSecond);
        return i >= 0 ? i : -i - 2;
    }

    /** First day whose events may be at or after this second (0..days). */
    public int firstDayFrom(long epochSecond) {
        if (epochSecond <= dayStart[0]) return 0;
        if (epochSecond >= dayStart[days]) return days;
        return dayOf(epochSecond);
    }

    public Integer metricIndexOf(String metricId) { return metricIndex.get(metricId); }

    public DayEvents day(int d) {
        synchronized (cache) {
            DayEvents e = cache.get(d);
            if (e != null) return e;
        }
        DayEvents e = generate(d);
        synchronized (cache) {
            if (cache.put(d, e) == null) cachedEvents += e.size;
            var it = cache.entrySet().iterator();
            while (cachedEvents > MAX_CACHED_EVENTS && cache.size() > 1 && it.hasNext()) {
                var old = it.next();
                if (old.getKey() == d) continue;
                cachedEvents -= old.getValue().size;
                it.remove();
            }
        }
        return e;
    }

    // ---- ids ----

    public String eventId(int d, int pos) {
        long v = (((long) d << 28) | pos) ^ idMask;
        long salt = Rng.hash(seed, v) & 0x7FFFFFL;
        return Ids.base62((salt << 40) | v, 11);
    }

    /** {day, position} for an event id, or null when it names no event. */
    public int[] locate(String id) {
        if (id == null || id.length() != 11) return null;
        long x = Ids.unbase62(id);
        if (x < 0) return null;
        long v = x & ((1L << 40) - 1);
        long raw = v ^ idMask;
        int d = (int) (raw >>> 28), pos = (int) (raw & ((1 << 28) - 1));
        if (d < 0 || d >= days || !eventId(d, pos).equals(id)) return null;
        if (pos >= day(d).size) return null;
        return new int[]{d, pos};
    }

    // ---- materialisation ----

    public Event event(int d, int pos) {
        DayEvents e = day(d);
        int mi = e.metric[pos];
        Metric metric = catalog.metrics().get(mi);
        int msg = e.message[pos];
        String messageId = null, flowId = null, campaignId = null, channel = null, name = null, subject = null;
        if (msg >= 0) {
            Object m = messages[msg];
            if (m instanceof FlowMessage fm) {
                messageId = fm.id();
                flowId = fm.flowId();
                channel = fm.channel();
                name = fm.name();
                subject = fm.subject();
            } else if (m instanceof CampaignMessage cm) {
                messageId = cm.id();
                campaignId = cm.campaignId();
                channel = cm.channel();
                name = campaignsById.get(cm.campaignId()).name();
                subject = cm.subject();
            }
        }
        int pi = e.profile[pos];
        Map<String, Object> props = new LinkedHashMap<>();
        String eventId = eventId(d, pos);
        switch (mi) {
            case PLACED_ORDER -> props = Orders.placedOrderProperties(Orders.order(e.aux[pos] & ~0xFL, channel, name), catalog.account().currency(), messageId, flowId, channel);
            case ORDERED_PRODUCT -> props = Orders.orderedProductProperties(Orders.order(e.aux[pos] & ~0xFL, channel, name),
                    (int) (e.aux[pos] & 0xF), messageId, flowId, channel);
            case VIEWED_PRODUCT, STARTED_CHECKOUT -> {
                String[] p = Orders.PRODUCTS[Rng.below(e.aux[pos], Orders.PRODUCTS.length)];
                props.put("ProductName", p[1]);
                props.put("SKU", p[0]);
                props.put("Price", new BigDecimal(p[2]));
                props.put("$value", new BigDecimal(p[2]));
                props.put("Categories", List.of(p[3], p[4]));
                props.put("Brand", p[5]);
            }
            default -> {
                if (messageId != null) {
                    if (subject != null) props.put("Subject", subject);
                    props.put("Campaign Name", name);
                    props.put("$message", messageId);
                    if (flowId != null) props.put("$flow", flowId);
                    if (campaignId == null) props.put("$message_send_cohort", messageId + ":" + d);
                } else if (mi == UNSUBSCRIBED) {
                    props.put("Method", "Preference Page");
                }
                if (mi <= UNSUBSCRIBED) {
                    String email = profiles.emailAddress(pi);
                    props.put("Email Domain", email == null ? null : email.substring(email.indexOf('@') + 1));
                    if (mi == OPENED_EMAIL) props.put("Client Name", Rng.below(e.aux[pos], 2) == 0 ? "Gmail" : "Apple Mail");
                    if (mi == CLICKED_EMAIL) props.put("URL", "https://northwind-outfitters.example/shop");
                    if (mi == BOUNCED_EMAIL) props.put("Bounce Type", "hard");
                } else {
                    props.put("Message Format", "SMS");
                    props.put("To Number", "+1555" + String.format("%07d", pi % 10_000_000));
                }
                props.put("$event_id", eventId);
            }
        }
        return new Event(eventId, d, pos, Instant.ofEpochSecond(e.ts[pos]), metric, pi, profiles.id(pi), messageId, flowId,
                campaignId, Ids.uuid(Rng.hash(seed, 98, ((long) d << 28) | pos)), props);
    }

    /** Message (flow or campaign) by account-wide index. */
    public Object message(int index) { return messages[index]; }

    // ---- generation ----

    /** Where generated events go: a day's arrays, or a running maximum for the last-event index. */
    private interface Sink {
        void add(long t, int p, int m, int msg, long a);
    }

    private static final class Builder implements Sink {
        long[] ts = new long[1024];
        int[] profile = new int[1024];
        byte[] metric = new byte[1024];
        int[] message = new int[1024];
        long[] aux = new long[1024];
        int n;

        @Override
        public void add(long t, int p, int m, int msg, long a) {
            if (n == ts.length) {
                int c = n * 2;
                ts = Arrays.copyOf(ts, c);
                profile = Arrays.copyOf(profile, c);
                metric = Arrays.copyOf(metric, c);
                message = Arrays.copyOf(message, c);
                aux = Arrays.copyOf(aux, c);
            }
            ts[n] = t;
            profile[n] = p;
            metric[n] = (byte) m;
            message[n] = msg;
            aux[n] = a;
            n++;
        }
    }

    /** The latest time a single profile's events reach. */
    private static final class Latest implements Sink {
        long max = -1;

        @Override
        public void add(long t, int p, int m, int msg, long a) { if (t > max) max = t; }
    }

    /** One sent campaign message, with what its send loop needs. */
    private record Send(CampaignMessage message, Campaign campaign, int day, long second, boolean email) {}

    private DayEvents generate(int d) {
        Builder b = new Builder();
        // The order of the parts is the order of equal-time events in the day; keep it.
        long start = dayStart[d], end = dayStart[d + 1];
        // sends of the trailing days before leave on this day only their events that fall on it
        Sink onDay = trailDays == 0 ? b : (t, p, m, msg, a) -> { if (t >= start && t < end) b.add(t, p, m, msg, a); };
        for (int k = Math.max(0, d - trailDays); k <= d; k++) {
            for (Send s : sendsByDay.get(k)) {
                int max = profiles.countCreatedBy(s.second() * 1000);
                for (int i = 0; i < max; i++) campaignSend(onDay, s, i);
            }
        }
        flowSends(b, d);
        consentChanges(b, d);
        organic(b, d);
        return sorted(d, b);
    }

    /** Campaign sends: every reachable member of the included audiences, minus the excluded ones. */
    private void campaignSend(Sink b, Send s, int i) {
        if (!inAudience(s.campaign(), i)) return;
        long t0 = s.second();
        if (s.email() ? !profiles.emailReachable(i, t0 * 1000) : !profiles.smsReachable(i, t0 * 1000)) return;
        long h = Rng.hash(seed, 31, s.message().index(), i);
        long t = Math.min(dayStart[s.day() + 1] - 1, t0 + Rng.below(h, 600)); // a campaign goes out over ~10 minutes
        chain(b, s.email(), s.message().index(), i, t, trailEnd(s) - 1, h);
    }

    /** Where a campaign send's follow-up events end (exclusive): its day's end, or its trail's, within the history. */
    private long trailEnd(Send s) {
        return dayStart[Math.min(days, s.day() + 1 + trailDays)];
    }

    /** Flow sends: a day's entrants drawn among the profiles that existed then. */
    private void flowSends(Sink b, int d) {
        long start = dayStart[d], end = dayStart[d + 1], last = end - 1;
        List<Flow> flows = catalog.flows();
        for (int f = 0; f < flows.size(); f++) {
            Flow flow = flows.get(f);
            if (flow.dailyEntryRate() <= 0) continue;
            long from = Math.max(start, flow.activeFrom().getEpochSecond()), to = Math.min(end, flow.activeUntil().getEpochSecond());
            if (from >= to) continue;
            List<FlowMessage> msgs = sendableByFlow.get(f);
            if (msgs.isEmpty()) continue;
            double expected = flow.dailyEntryRate() * profiles.count() * (1 + 0.3 * Math.sin(d / 9.0 + f));
            int k = (int) expected + (Rng.unit(Rng.hash(seed, 32, f, d)) < expected - (int) expected ? 1 : 0);
            for (int j = 0; j < k; j++) {
                long h = Rng.hash(seed, 33, (long) f * 100_000 + d, j);
                long t = start + Rng.below(h, (int) (end - start));
                if (t < from || t >= to) continue;
                int max = profiles.countCreatedBy(t * 1000);
                if (max == 0) continue;
                int i = Rng.below(Rng.mix(h), max);
                FlowMessage m = msgs.get(Rng.below(Rng.mix(h + 1), msgs.size()));
                boolean email = m.channel().equals("email");
                if (email ? !profiles.emailReachable(i, t * 1000) : !profiles.smsReachable(i, t * 1000)) continue;
                chain(b, email, m.index(), i, t, last, Rng.mix(h + 2));
            }
        }
    }

    /** Consent changes: the unsubscribe, hard bounce or spam complaint behind a suppression. */
    private void consentChanges(Sink b, int d) {
        long start = dayStart[d], end = dayStart[d + 1];
        int from = Arrays.binarySearch(stateSeconds, start);
        if (from < 0) from = -from - 1;
        while (from > 0 && stateSeconds[from - 1] >= start) from--;
        for (int k = from; k < stateSeconds.length && stateSeconds[k] < end; k++) {
            b.add(stateSeconds[k], stateProfiles[k], stateMetrics[k], -1, 0);
        }
    }

    /** Organic shopping: orders without attribution, product views and checkouts. */
    private void organic(Sink b, int d) {
        long start = dayStart[d], end = dayStart[d + 1], last = end - 1;
        int n = profiles.count();
        int orders = (int) Math.round(n * 0.0006 * (1 + 0.4 * Math.sin(d / 30.0)));
        for (int j = 0; j < orders; j++) {
            long h = Rng.hash(seed, 34, d, j);
            long t = start + Rng.below(h, (int) (end - start));
            int max = profiles.countCreatedBy(t * 1000);
            if (max == 0) continue;
            order(b, Rng.below(Rng.mix(h), max), t, -1, Rng.mix(h + 1));
        }
        int views = (int) Math.round(n * 0.002);
        for (int j = 0; j < views; j++) {
            long h = Rng.hash(seed, 35, d, j);
            long t = start + Rng.below(h, (int) (end - start));
            int max = profiles.countCreatedBy(t * 1000);
            if (max == 0) continue;
            int i = Rng.below(Rng.mix(h), max);
            b.add(t, i, VIEWED_PRODUCT, -1, Rng.mix(h + 3));
            if (Rng.unit(Rng.mix(h + 4)) < 0.2) b.add(Math.min(last, t + 120 + Rng.below(h, 600)), i, STARTED_CHECKOUT, -1, Rng.mix(h + 3));
        }
    }

    // ---- last event per profile ----

    /**
     * When the profile's latest event in the history happened (epoch second), or -1 when it has none.
     * Campaign sends and consent changes are re-derived for this profile alone; flow entrants and
     * organic shopping are drawn by index, so their latest second per profile comes from an index
     * built once over the history's draws (no campaign loops, nothing sorted or kept per event).
     */
    public long lastEventSecond(int i) {
        int drawn = lastDrawn()[i];
        long best = drawn < 0 ? -1 : dayStart[0] + drawn;
        best = Math.max(best, consentChangeSecond(i));
        Latest latest = new Latest();
        for (Send s : sendsNewestFirst) {
            // A send's events end with its trail: once that ends before the best, no older send can win.
            if (trailEnd(s) <= best) break;
            if (profiles.createdMillis(i) > s.second() * 1000) continue;
            campaignSend(latest, s, i);
            best = Math.max(best, latest.max);
        }
        return best;
    }

    private long consentChangeSecond(int i) {
        switch (profiles.emailState(i)) {
            case UNSUBSCRIBED, SPAM_COMPLAINT, HARD_BOUNCE -> {
                long sec = profiles.consentMillis(i) / 1000;
                return sec >= dayStart[0] && sec < dayStart[days] ? sec : -1;
            }
            default -> { return -1; }
        }
    }

    private int[] lastDrawn() {
        int[] a = lastDrawn;
        if (a != null) return a;
        synchronized (lastDrawnLock) {
            if (lastDrawn == null) lastDrawn = buildLastDrawn();
            return lastDrawn;
        }
    }

    /** Seconds since the history start of each profile's latest flow or organic event, -1 for none. */
    private int[] buildLastDrawn() {
        int n = profiles.count();
        // Days are independent: a few workers each take every k-th day into their own array, then merge.
        int workers = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), Math.min(days, 4)));
        int[][] parts = new int[workers][];
        IntStream.range(0, workers).parallel().forEach(w -> {
            int[] last = new int[n];
            Arrays.fill(last, -1);
            long base = dayStart[0];
            Sink s = (t, p, m, msg, a) -> {
                int v = (int) (t - base);
                if (v > last[p]) last[p] = v;
            };
            for (int d = w; d < days; d += workers) {
                flowSends(s, d);
                organic(s, d);
            }
            parts[w] = last;
        });
        int[] out = parts[0];
        for (int w = 1; w < workers; w++) {
            int[] p = parts[w];
            for (int i = 0; i < n; i++) if (p[i] > out[i]) out[i] = p[i];
        }
        return out;
    }

    private boolean inAudience(Campaign c, int i) {
        boolean in = false;
        for (String a : c.includedAudiences()) if (profiles.inAudience(i, a)) { in = true; break; }
        if (!in) return false;
        for (String a : c.excludedAudiences()) if (profiles.inAudience(i, a)) return false;
        return true;
    }

    private static long between(Rng.Stream r, long a, long b) {
        return a >= b ? b : a + r.below((int) Math.min(Integer.MAX_VALUE, b - a + 1));
    }

    /** What one send leads to, all by {@code last} (its day's end, or its trail's). */
    private void chain(Sink b, boolean email, int msg, int i, long t, long last, long h) {
        Rng.Stream r = new Rng.Stream(h);
        if (email) {
            if (r.chance(0.012)) { b.add(t, i, BOUNCED_EMAIL, msg, 0); return; }
            b.add(t, i, RECEIVED_EMAIL, msg, 0);
            if (!r.chance(0.38)) return;
            long to = between(r, Math.min(last, t + 30), last);
            b.add(to, i, OPENED_EMAIL, msg, r.next());
            if (r.chance(0.25)) b.add(between(r, to, last), i, OPENED_EMAIL, msg, r.next());
            if (r.chance(0.22)) {
                long tc = between(r, to, last);
                b.add(tc, i, CLICKED_EMAIL, msg, 0);
                if (r.chance(0.12)) order(b, i, between(r, tc, last), msg, r.next());
            } else if (r.chance(0.01)) {
                order(b, i, between(r, to, last), msg, r.next());
            }
            if (r.chance(0.006)) b.add(between(r, to, last), i, UNSUBSCRIBED, msg, 0);
            if (r.chance(0.0015)) b.add(between(r, to, last), i, SPAM, msg, 0);
        } else {
            if (r.chance(0.015)) { b.add(t, i, FAILED_SMS, msg, 0); return; }
            b.add(t, i, RECEIVED_SMS, msg, 0);
            if (r.chance(0.14)) {
                long tc = between(r, Math.min(last, t + 20), last);
                b.add(tc, i, CLICKED_SMS, msg, 0);
                if (r.chance(0.12)) order(b, i, between(r, tc, last), msg, r.next());
            }
            if (r.chance(0.008)) b.add(between(r, t, last), i, UNSUBSCRIBED_SMS, msg, 0);
        }
    }

    private static void order(Sink b, int i, long t, int msg, long orderSeed) {
        long base = orderSeed & ~0xFL;
        b.add(t, i, PLACED_ORDER, msg, base);
        int items = Orders.itemCount(base);
        for (int k = 0; k < items; k++) b.add(t, i, ORDERED_PRODUCT, msg, base | k);
    }

    private DayEvents sorted(int d, Builder b) {
        int n = b.n;
        long base = dayStart[d];
        long[] keys = new long[n];
        for (int k = 0; k < n; k++) keys[k] = ((b.ts[k] - base) << 32) | k;
        Arrays.sort(keys);
        long[] ts = new long[n];
        int[] p = new int[n];
        byte[] m = new byte[n];
        int[] msg = new int[n];
        long[] aux = new long[n];
        for (int k = 0; k < n; k++) {
            int src = (int) (keys[k] & 0xFFFFFFFFL);
            ts[k] = b.ts[src];
            p[k] = b.profile[src];
            m[k] = b.metric[src];
            msg[k] = b.message[src];
            aux[k] = b.aux[src];
        }
        return new DayEvents(d, n, ts, p, m, msg, aux);
    }
}
