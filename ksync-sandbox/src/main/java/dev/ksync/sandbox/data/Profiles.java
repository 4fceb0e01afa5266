package dev.ksync.sandbox.data;

import java.text.Normalizer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Profiles derived from (seed, index): nothing is stored, so a million profiles cost no memory.
 * Creation times grow strictly with the index and ids are ULIDs of that time, so index order is
 * also id order and created order, and an id decodes back to its index.
 */
public final class Profiles {

    static final String[] FIRST = {"Sarah", "James", "Maria", "David", "Emma", "Liam", "Olivia", "Noah", "Ava", "Lucas",
            "Sophia", "Mason", "Isabella", "Ethan", "Mia", "Logan", "Amelia", "Elijah", "Harper", "Aiden", "Chloe",
            "Mateo", "Zoe", "Hiro", "Priya", "Amara", "Jonas", "Lena", "Tomás", "Aisha"};
    static final String[] LAST = {"Mason", "Smith", "Garcia", "Johnson", "Brown", "Miller", "Davis", "Wilson", "Moore",
            "Taylor", "Anderson", "Thomas", "Martin", "Lee", "Clark", "Lewis", "Walker", "Hall", "Young", "King",
            "Wright", "Lopez", "Hill", "Scott", "Nguyen", "Müller", "Okafor", "Tanaka", "Rossi", "O'Brien"};
    static final String[] DOMAINS = {"gmail.com", "yahoo.com", "outlook.com", "icloud.com", "hotmail.com", "example.com", "proton.me"};
    static final String[][] PLACES = {
            {"New York", "NY", "United States", "10001", "America/New_York", "40.7128", "-74.0060"},
            {"Los Angeles", "CA", "United States", "90012", "America/Los_Angeles", "34.0522", "-118.2437"},
            {"Chicago", "IL", "United States", "60601", "America/Chicago", "41.8781", "-87.6298"},
            {"Austin", "TX", "United States", "73301", "America/Chicago", "30.2672", "-97.7431"},
            {"Boston", "MA", "United States", "02108", "America/New_York", "42.3601", "-71.0589"},
            {"Seattle", "WA", "United States", "98101", "America/Los_Angeles", "47.6062", "-122.3321"},
            {"Toronto", "ON", "Canada", "M5H 2N2", "America/Toronto", "43.6532", "-79.3832"},
            {"London", "England", "United Kingdom", "SW1A 1AA", "Europe/London", "51.5074", "-0.1278"},
            {"Berlin", "Berlin", "Germany", "10115", "Europe/Berlin", "52.5200", "13.4050"},
            {"Sydney", "NSW", "Australia", "2000", "Australia/Sydney", "-33.8688", "151.2093"}};
    static final String[] LOCALES = {"en-US", "en-US", "en-US", "en-GB", "de-DE", "fr-FR", "es-ES"};
    static final String[] SUBSCRIBE_METHODS = {"FORM", "API", "SHOPIFY_CHECKOUT", "BACK_IN_STOCK", "PREFERENCE_PAGE"};
    static final String[] TITLES = {"Buyer", "Owner", "Marketing Manager", "Designer", "Engineer"};
    static final String[] ORGS = {"Acme Corp", "Globex", "Initech", "Umbrella Retail", "Stark Goods"};

    /** The email consent states, so audience sync meets every one of them. */
    public enum EmailState {
        NO_EMAIL, SUBSCRIBED, NEVER_SUBSCRIBED, LIST_IMPORT, UNSUBSCRIBED, HARD_BOUNCE, INVALID_EMAIL, SPAM_COMPLAINT,
        USER_SUPPRESSED, LIST_SUPPRESSED
    }

    private final long seed;
    private final int count;
    private final long baseMillis;
    private final long stepMillis;
    private final long endMillis;
    private final List<ProfileList> lists;
    private final List<Segment> segments;
    private final Map<String, Integer> audienceIndex = new LinkedHashMap<>();
    private final int importListIndex;
    private final int smsListIndex;

    Profiles(long seed, int count, Instant createdFrom, Instant end, List<ProfileList> lists, List<Segment> segments,
             int importListIndex, int smsListIndex) {
        this.seed = seed;
        this.count = count;
        this.baseMillis = createdFrom.toEpochMilli();
        this.endMillis = end.toEpochMilli();
        this.stepMillis = Math.max(1, (endMillis - baseMillis) / count);
        this.lists = List.copyOf(lists);
        this.segments = List.copyOf(segments);
        for (int j = 0; j < lists.size(); j++) audienceIndex.put(lists.get(j).id(), j);
        for (int j = 0; j < segments.size(); j++) audienceIndex.put(segments.get(j).id(), 1000 + j);
        this.importListIndex = importListIndex;
        this.smsListIndex = smsListIndex;
    }

    public int count() { return count; }

    private long h(int i, int salt) { return Rng.hash(seed, i, salt); }

    public long createdMillis(int i) {
        // Whole seconds, like Klaviyo; the jitter stays inside the step so order follows the index.
        long slot = baseMillis + i * stepMillis;
        long ms = slot + (long) (Rng.unit(h(i, 1)) * stepMillis);
        return Math.max(ms / 1000 * 1000, slot);
    }

    /** Number of profiles created at or before {@code epochMillis} (they are exactly indices 0..n-1). */
    public int countCreatedBy(long epochMillis) {
        if (epochMillis < baseMillis) return 0;
        long n = (epochMillis - baseMillis) / stepMillis + 1;
        int k = (int) Math.min(count, n);
        while (k > 0 && createdMillis(k - 1) > epochMillis) k--;
        return k;
    }

    public String id(int i) { return Ids.ulid(createdMillis(i), h(i, 2)); }

    public int indexOf(String id) {
        long ms = Ids.ulidMillis(id);
        if (ms < baseMillis) return -1;
        long i = (ms - baseMillis) / stepMillis;
        for (long k = Math.max(0, i - 1); k <= i && k < count; k++) {
            if (id(Math.toIntExact(k)).equals(id)) return (int) k;
        }
        return -1;
    }

    public EmailState emailState(int i) {
        double u = Rng.unit(h(i, 3));
        if (u < 0.02) return EmailState.NO_EMAIL;
        if (u < 0.50) return EmailState.SUBSCRIBED;
        if (u < 0.60) return EmailState.NEVER_SUBSCRIBED;
        if (u < 0.68) return EmailState.LIST_IMPORT;
        if (u < 0.80) return EmailState.UNSUBSCRIBED;
        if (u < 0.84) return EmailState.HARD_BOUNCE;
        if (u < 0.86) return EmailState.INVALID_EMAIL;
        if (u < 0.89) return EmailState.SPAM_COMPLAINT;
        if (u < 0.91) return EmailState.USER_SUPPRESSED;
        return EmailState.LIST_SUPPRESSED;
    }

    /** When the profile's consent last changed (subscription, unsubscription or suppression). */
    public long consentMillis(int i) {
        long c = createdMillis(i);
        double u = Rng.unit(h(i, 4));
        EmailState s = emailState(i);
        boolean laterChange = switch (s) {
            case UNSUBSCRIBED, HARD_BOUNCE, INVALID_EMAIL, SPAM_COMPLAINT, USER_SUPPRESSED, LIST_SUPPRESSED -> true;
            default -> false;
        };
        if (!laterChange) return c + (long) (u * 600_000); // consent at sign-up, within 10 minutes
        return (c + (long) (u * (endMillis - c))) / 1000 * 1000;
    }

    private static boolean suppressed(EmailState s) {
        return switch (s) {
            case UNSUBSCRIBED, HARD_BOUNCE, INVALID_EMAIL, SPAM_COMPLAINT, USER_SUPPRESSED -> true;
            default -> false;
        };
    }

    /** Could this profile receive email marketing at that moment? (Before a suppression it could.) */
    public boolean emailReachable(int i, long atMillis) {
        EmailState s = emailState(i);
        if (s == EmailState.NO_EMAIL) return false;
        return !suppressed(s) || atMillis < consentMillis(i);
    }

    public boolean hasPhone(int i) {
        return emailState(i) == EmailState.NO_EMAIL || Rng.unit(h(i, 5)) < 0.35;
    }

    /** SMS consent: SUBSCRIBED, UNSUBSCRIBED or NEVER_SUBSCRIBED; null without a phone. */
    public String smsConsent(int i) {
        if (!hasPhone(i)) return null;
        double u = Rng.unit(h(i, 6));
        return u < 0.6 ? "SUBSCRIBED" : u < 0.7 ? "UNSUBSCRIBED" : "NEVER_SUBSCRIBED";
    }

    public long smsConsentMillis(int i) {
        long c = createdMillis(i);
        return (c + (long) (Rng.unit(h(i, 7)) * Math.min(86_400_000L * 30, endMillis - c))) / 1000 * 1000;
    }

    public boolean smsReachable(int i, long atMillis) {
        return "SUBSCRIBED".equals(smsConsent(i)) && atMillis >= smsConsentMillis(i);
    }

    public boolean inList(int i, int listIndex) {
        if (listIndex == importListIndex && emailState(i) == EmailState.LIST_IMPORT) return true;
        if (listIndex == smsListIndex) return "SUBSCRIBED".equals(smsConsent(i));
        return Rng.unit(h(i, 100 + listIndex)) < lists.get(listIndex).memberFraction();
    }

    public boolean inSegment(int i, int segmentIndex) {
        return Rng.unit(h(i, 200 + segmentIndex)) < segments.get(segmentIndex).memberFraction();
    }

    /** Member of the list or segment with this id. */
    public boolean inAudience(int i, String audienceId) {
        Integer k = audienceIndex.get(audienceId);
        if (k == null) return false;
        return k >= 1000 ? inSegment(i, k - 1000) : inList(i, k);
    }

    public String emailAddress(int i) {
        if (emailState(i) == EmailState.NO_EMAIL) return null;
        String first = Rng.pick(h(i, 10), FIRST), last = Rng.pick(h(i, 11), LAST);
        String local = (ascii(first) + "." + ascii(last)).toLowerCase().replace("'", "");
        return local + "." + i + "@" + Rng.pick(h(i, 12), DOMAINS);
    }

    private static String ascii(String s) {
        return Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
    }

    public long updatedMillis(int i) {
        long u = Math.max(createdMillis(i), consentMillis(i));
        if (hasPhone(i)) u = Math.max(u, smsConsentMillis(i));
        long extra = (long) (Rng.unit(h(i, 8)) * 86_400_000L * 90);
        return Math.min(endMillis - 1000, u + extra) / 1000 * 1000;
    }

    /**
     * Profile {@code i}. Everything but {@code last_event_date} derives from (seed, i); that one is
     * the time of the profile's latest event, which only the event log knows (see
     * {@link SandboxData#profile(int)}), so the caller passes it.
     */
    public Profile profile(int i, Instant lastEventDate) {
        if (i < 0 || i >= count) throw new IndexOutOfBoundsException("profile index " + i);
        EmailState s = emailState(i);
        String first = Rng.pick(h(i, 10), FIRST), last = Rng.pick(h(i, 11), LAST);
        Instant created = Instant.ofEpochMilli(createdMillis(i));
        Instant updated = Instant.ofEpochMilli(Math.max(createdMillis(i), updatedMillis(i)));
        Instant consentAt = Instant.ofEpochMilli(consentMillis(i));
        boolean named = Rng.unit(h(i, 13)) < 0.85;
        String phone = hasPhone(i) ? "+1555" + String.format("%07d", i % 10_000_000) : null;
        String external = Rng.unit(h(i, 14)) < 0.4 ? "shopify-" + (7_000_000_000L + Math.floorMod(h(i, 15), 1_000_000_000L)) : null;
        Profile.Location location = null;
        if (Rng.unit(h(i, 16)) < 0.8) {
            String[] p = Rng.pick(h(i, 17), PLACES);
            location = new Profile.Location(Math.floorMod(h(i, 18), 9000) + 100 + " Main St", null, p[0], p[1], p[2], p[3], p[4],
                    Double.parseDouble(p[5]), Double.parseDouble(p[6]), "203.0." + Math.floorMod(h(i, 19), 256) + "." + Math.floorMod(h(i, 20), 256));
        }
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("Accepts Marketing", s == EmailState.SUBSCRIBED || s == EmailState.LIST_SUPPRESSED);
        if (Rng.unit(h(i, 21)) < 0.3) props.put("Shopify Tags", List.of(Rng.unit(h(i, 22)) < 0.5 ? "vip" : "wholesale"));
        if (s == EmailState.LIST_IMPORT) props.put("$source", "List Import");
        Profile.EmailConsent email = emailConsent(i, s, consentAt, created);
        Profile.SmsConsent sms = null;
        String smsConsent = smsConsent(i);
        if (smsConsent != null) {
            Instant at = Instant.ofEpochMilli(smsConsentMillis(i));
            sms = new Profile.SmsConsent(smsConsent, smsConsent.equals("SUBSCRIBED"),
                    smsConsent.equals("NEVER_SUBSCRIBED") ? null : at, at,
                    smsConsent.equals("NEVER_SUBSCRIBED") ? null : "TEXT", smsConsent.equals("SUBSCRIBED") ? "JOIN" : null);
        }
        Profile.Predictive predictive = predictive(i);
        List<String> listIds = new ArrayList<>();
        for (int j = 0; j < lists.size(); j++) if (inList(i, j)) listIds.add(lists.get(j).id());
        List<String> segmentIds = new ArrayList<>();
        for (int j = 0; j < segments.size(); j++) if (inSegment(i, j)) segmentIds.add(segments.get(j).id());
        return new Profile(i, id(i), emailAddress(i), phone, external, named ? first : null, named ? last : null,
                Rng.unit(h(i, 25)) < 0.1 ? Rng.pick(h(i, 26), ORGS) : null,
                Rng.unit(h(i, 27)) < 0.05 ? Rng.pick(h(i, 28), TITLES) : null,
                Rng.unit(h(i, 29)) < 0.7 ? Rng.pick(h(i, 30), LOCALES) : null,
                null, created, updated, lastEventDate, location, props, email, sms, predictive,
                List.copyOf(listIds), List.copyOf(segmentIds));
    }

    private Profile.EmailConsent emailConsent(int i, EmailState s, Instant at, Instant created) {
        String method = Rng.pick(h(i, 31), SUBSCRIBE_METHODS);
        Instant signUp = Instant.ofEpochMilli(createdMillis(i) + (long) (Rng.unit(h(i, 4)) * 600_000) / 1000 * 1000);
        List<Profile.Suppression> none = List.of();
        return switch (s) {
            case NO_EMAIL -> new Profile.EmailConsent("NEVER_SUBSCRIBED", false, null, null, null, null, null, none, List.of());
            case SUBSCRIBED -> new Profile.EmailConsent("SUBSCRIBED", true, at, at, method, null, method.equals("FORM"), none, List.of());
            case NEVER_SUBSCRIBED -> new Profile.EmailConsent("NEVER_SUBSCRIBED", true, null, null, null, null, null, none, List.of());
            case LIST_IMPORT -> new Profile.EmailConsent("NEVER_SUBSCRIBED", true, null, created, "LIST_IMPORT", "Imported Leads 2023", null, none, List.of());
            case UNSUBSCRIBED -> new Profile.EmailConsent("UNSUBSCRIBED", false, at, at, "UNSUBSCRIBE_LINK", null, null,
                    List.of(new Profile.Suppression("UNSUBSCRIBE", at)), List.of());
            case HARD_BOUNCE -> new Profile.EmailConsent("SUBSCRIBED", false, signUp, at, method, null, null,
                    List.of(new Profile.Suppression("HARD_BOUNCE", at)), List.of());
            case INVALID_EMAIL -> new Profile.EmailConsent("NEVER_SUBSCRIBED", false, null, at, null, null, null,
                    List.of(new Profile.Suppression("INVALID_EMAIL", at)), List.of());
            case SPAM_COMPLAINT -> new Profile.EmailConsent("UNSUBSCRIBED", false, at, at, "SPAM_COMPLAINT", null, null,
                    List.of(new Profile.Suppression("SPAM_COMPLAINT", at)), List.of());
            case USER_SUPPRESSED -> new Profile.EmailConsent("SUBSCRIBED", false, signUp, at, method, null, null,
                    List.of(new Profile.Suppression("USER_SUPPRESSED", at)), List.of());
            case LIST_SUPPRESSED -> new Profile.EmailConsent("SUBSCRIBED", true, signUp, at, method, null, null, none,
                    List.of(new Profile.ListSuppression(lists.get(0).id(), "USER_SUPPRESSED", at)));
        };
    }

    private Profile.Predictive predictive(int i) {
        if (Rng.unit(h(i, 40)) >= 0.45) {
            return new Profile.Predictive(null, null, null, null, null, null, null, null, null, null);
        }
        int orders = 1 + Rng.below(h(i, 41), 9);
        double aov = round2(25 + Rng.unit(h(i, 42)) * 150);
        double historic = round2(orders * aov);
        double predictedOrders = round2(Rng.unit(h(i, 43)) * 4);
        double predicted = round2(predictedOrders * aov);
        Double between = orders < 2 ? null : round2(10 + Rng.unit(h(i, 44)) * 120);
        double churn = round2(Rng.unit(h(i, 45)));
        Instant next = Instant.ofEpochMilli(endMillis).plus(1 + Rng.below(h(i, 46), 120), ChronoUnit.DAYS).truncatedTo(ChronoUnit.DAYS);
        List<String> affinity = Rng.unit(h(i, 47)) < 0.7 ? List.of("email", "sms", "push") : List.of("sms", "email", "push");
        return new Profile.Predictive(historic, predicted, round2(historic + predicted), (double) orders, predictedOrders,
                between, aov, churn, next, affinity);
    }

    static double round2(double v) { return Math.round(v * 100.0) / 100.0; }
}
