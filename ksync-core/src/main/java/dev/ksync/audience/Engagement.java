package dev.ksync.audience;

import java.time.Instant;

/**
 * What enrichment learns of a profile from its Opened/Clicked Email events: the earliest of either (First Active),
 * the latest open and the latest click. Fields are null when there was no such event.
 */
public record Engagement(Instant firstActive, Instant lastOpen, Instant lastClick) {
    public static final Engagement NONE = new Engagement(null, null, null);

    /** This engagement with one more event folded in. */
    public Engagement with(EngagementKind kind, Instant at) {
        Instant first = firstActive == null || at.isBefore(firstActive) ? at : firstActive;
        return switch (kind) {
            case OPEN -> new Engagement(first, later(lastOpen, at), lastClick);
            case CLICK -> new Engagement(first, lastOpen, later(lastClick, at));
        };
    }

    /** This engagement without First Active, for when the earliest events were not read (a page cap). */
    public Engagement withoutFirstActive() {
        return new Engagement(null, lastOpen, lastClick);
    }

    private static Instant later(Instant a, Instant b) {
        return a == null || b.isAfter(a) ? b : a;
    }

    public enum EngagementKind {
        OPEN("Opened Email"),
        CLICK("Clicked Email");

        private final String metricName;

        EngagementKind(String metricName) {
            this.metricName = metricName;
        }

        public String metricName() {
            return metricName;
        }
    }
}
