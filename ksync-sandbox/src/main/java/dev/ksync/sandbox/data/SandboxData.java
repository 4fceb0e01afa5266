package dev.ksync.sandbox.data;

import dev.ksync.sandbox.SandboxOptions;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The sandbox's ground truth. Small objects are held; profiles and events are derived on demand
 * from the seed, so tests elsewhere can compute expected results from exactly what the API serves.
 * History covers {@code historyDays} whole days in the account timezone, ending at the start of
 * the day the clock says is today.
 */
public final class SandboxData {
    static final String[] ZONES = {"America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/Berlin", "Australia/Sydney"};

    private final long seed;
    private final Catalog catalog;
    private final Profiles profiles;
    private final EventLog events;
    private final LocalDate firstDay;
    private final int historyDays;
    private final Map<String, Object> byId = new HashMap<>();

    private SandboxData(long seed, Catalog catalog, Profiles profiles, EventLog events, LocalDate firstDay, int historyDays) {
        this.seed = seed;
        this.catalog = catalog;
        this.profiles = profiles;
        this.events = events;
        this.firstDay = firstDay;
        this.historyDays = historyDays;
        for (Metric m : catalog.metrics()) byId.put("metric:" + m.id(), m);
        for (Flow f : catalog.flows()) byId.put("flow:" + f.id(), f);
        for (FlowAction a : catalog.flowActions()) byId.put("flow-action:" + a.id(), a);
        for (FlowMessage m : catalog.flowMessages()) byId.put("flow-message:" + m.id(), m);
        for (Campaign c : catalog.campaigns()) byId.put("campaign:" + c.id(), c);
        for (CampaignMessage m : catalog.campaignMessages()) byId.put("campaign-message:" + m.id(), m);
        for (ProfileList l : catalog.lists()) byId.put("list:" + l.id(), l);
        for (Segment s : catalog.segments()) byId.put("segment:" + s.id(), s);
        for (Template t : catalog.templates()) byId.put("template:" + t.id(), t);
        for (Tag t : catalog.tags()) byId.put("tag:" + t.id(), t);
        for (TagGroup g : catalog.tagGroups()) byId.put("tag-group:" + g.id(), g);
    }

    public static SandboxData generate(long seed, int profileCount, int historyDays, Clock clock) {
        return generate(seed, profileCount, historyDays, SandboxOptions.DEFAULT_CURRENCY, clock);
    }

    /** {@code currency}: the account's preferred currency, which its orders are placed in too. */
    public static SandboxData generate(long seed, int profileCount, int historyDays, String currency, Clock clock) {
        return generate(seed, profileCount, historyDays, currency, 0, clock);
    }

    /** {@code trailDays}: days after its send day over which a campaign send's follow-up events arrive. */
    public static SandboxData generate(long seed, int profileCount, int historyDays, String currency, int trailDays,
                                       Clock clock) {
        return generate(seed, profileCount, historyDays, currency, trailDays, null, clock);
    }

    /** {@code timezone}: the account's timezone, or null for the one the seed picks. */
    public static SandboxData generate(long seed, int profileCount, int historyDays, String currency, int trailDays,
                                       ZoneId timezone, Clock clock) {
        ZoneId zone = timezone != null ? timezone : ZoneId.of(ZONES[Rng.below(Rng.hash(seed, 0), ZONES.length)]);
        LocalDate today = LocalDate.ofInstant(clock.instant(), zone);
        LocalDate firstDay = today.minusDays(historyDays);
        Catalog catalog = Catalog.generate(seed, zone, currency, firstDay, historyDays);
        Instant historyStart = firstDay.atStartOfDay(zone).toInstant();
        Instant end = today.atStartOfDay(zone).toInstant();
        // A third of the profiles predate the history window: they were active before it.
        Instant createdFrom = historyStart.minusSeconds((end.getEpochSecond() - historyStart.getEpochSecond()) / 2);
        Profiles profiles = new Profiles(seed, profileCount, createdFrom, end, catalog.lists(), catalog.segments(),
                catalog.importListIndex(), catalog.smsListIndex());
        EventLog events = new EventLog(seed, catalog, profiles, zone, firstDay, historyDays, trailDays);
        return new SandboxData(seed, catalog, profiles, events, firstDay, historyDays);
    }

    public long seed() { return seed; }
    public Account account() { return catalog.account(); }
    public ZoneId timezone() { return catalog.account().timezone(); }
    public LocalDate firstDay() { return firstDay; }
    public int historyDays() { return historyDays; }
    public Instant historyStart() { return events.dayStart(0); }
    /** Exclusive end of the history: the start of "today" in the account timezone. */
    public Instant historyEnd() { return firstDay.plusDays(historyDays).atStartOfDay(timezone()).toInstant(); }

    public Catalog catalog() { return catalog; }
    public List<Metric> metrics() { return catalog.metrics(); }
    public Metric metricNamed(String name) { return catalog.metricNamed(name); }
    public List<Flow> flows() { return catalog.flows(); }
    public List<FlowAction> flowActions() { return catalog.flowActions(); }
    public List<FlowMessage> flowMessages() { return catalog.flowMessages(); }
    public List<Campaign> campaigns() { return catalog.campaigns(); }
    public List<CampaignMessage> campaignMessages() { return catalog.campaignMessages(); }
    public List<ProfileList> lists() { return catalog.lists(); }
    public List<Segment> segments() { return catalog.segments(); }
    public List<Template> templates() { return catalog.templates(); }
    public List<Tag> tags() { return catalog.tags(); }
    public List<TagGroup> tagGroups() { return catalog.tagGroups(); }

    /** Looks up a small object by JSON:API type and id ("flow", "campaign-message", ...). */
    public <T> Optional<T> find(String type, String id, Class<T> cls) {
        Object o = byId.get(type + ":" + id);
        return cls.isInstance(o) ? Optional.of(cls.cast(o)) : Optional.empty();
    }

    public Profiles profiles() { return profiles; }
    public int profileCount() { return profiles.count(); }
    /** Profile {@code index} as the API serves it: last_event_date is its latest event's time (null when none). */
    public Profile profile(int index) {
        if (index < 0 || index >= profiles.count()) throw new IndexOutOfBoundsException("profile index " + index);
        long last = events.lastEventSecond(index);
        return profiles.profile(index, last < 0 ? null : Instant.ofEpochSecond(last));
    }

    public Optional<Profile> profileById(String id) {
        int i = profiles.indexOf(id);
        return i < 0 ? Optional.empty() : Optional.of(profile(i));
    }

    public EventLog events() { return events; }

    /** Every event with from <= time < to, in time order. */
    public void forEachEvent(Instant from, Instant to, Consumer<Event> action) {
        int d0 = events.firstDayFrom(from.getEpochSecond());
        for (int d = d0; d < events.days(); d++) {
            if (events.dayStart(d).compareTo(to) >= 0) break;
            DayEvents day = events.day(d);
            for (int p = 0; p < day.size; p++) {
                long s = day.epochSecond(p);
                if (s < from.getEpochSecond() || s >= to.getEpochSecond()) continue;
                action.accept(events.event(d, p));
            }
        }
    }

    public List<Event> eventsBetween(Instant from, Instant to) {
        List<Event> out = new ArrayList<>();
        forEachEvent(from, to, out::add);
        return out;
    }
}
