package dev.ksync.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ksync.accounts.AccountId;
import dev.ksync.audience.AudienceRequest;
import dev.ksync.audience.AudienceRequest.SortDir;
import dev.ksync.audience.AudienceRequest.Source;
import dev.ksync.audience.AudienceSchema;
import dev.ksync.error.KsyncException;
import dev.ksync.klaviyo.wire.Profile;
import dev.ksync.store.UploadId;
import dev.ksync.sync.Format;
import dev.ksync.request.Days;
import dev.ksync.sync.Mode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The audience-sync JSON body as an {@link AudienceRequest}: JSON types here, meaning in the record. */
public final class AudienceRequestParser {
    public static final Set<String> FIELDS = Set.of("mode", "format", "schema", "source", "profiles",
            SyncFields.KLAVIYO_API_KEY, "accountId", "uploadId", "pageSize", "maxPages", "sortBy", "sortDir", "includeSuppressed",
            "enrichEvents", "enrichProfileLimit", "enrichEventsMaxPages", "overwrite");

    /** The profile attributes read as text ({@link Profile}'s strings and datetimes). */
    private static final List<String> TEXT_ATTRIBUTES = List.of("email", "phone_number", "external_id", "first_name",
            "last_name", "organization", "title", "locale", "image", "created", "updated", "last_event_date");
    private static final List<String> OBJECT_ATTRIBUTES = List.of("location", "properties", "subscriptions",
            "predictive_analytics");
    private static final List<String> LOCATION_TEXT = List.of("address1", "address2", "city", "region", "zip",
            "country", "timezone", "ip");
    private static final List<String> LOCATION_NUMBERS = List.of("latitude", "longitude");

    private static final String DATETIMES = "ISO-8601 datetimes (2025-09-16T08:15:00Z, offsets and microseconds allowed)";

    private AudienceRequestParser() {}

    public static AudienceRequest parse(ObjectNode body) {
        Fields f = new Fields(body);
        AudienceRequest.Builder b = AudienceRequest.builder();
        b.mode(mode(f));
        Source source = source(f);
        b.source(source);
        if (source == Source.PROFILES) {
            JsonNode p = f.node("profiles");
            if (p == null || p.isNull()) {
                throw KsyncException.badInput("profiles", null,
                        "an array of Klaviyo profile objects when source is 'profiles' (or use source 'klaviyo')");
            }
            b.profiles(profiles(p, "profiles"));
        } else if (f.has("profiles")) {
            throw KsyncException.badInput("profiles", "(given)", "only with source 'profiles'");
        }
        f.text("accountId").ifPresent(v -> b.accountId(AccountId.of("accountId", v)));
        f.text("sortBy").ifPresent(b::sortBy);
        f.text("uploadId").ifPresent(v -> b.uploadId(new UploadId(v)));
        SyncFields.klaviyoApiKey(f).ifPresent(b::klaviyoApiKey);
        return b.format(f.choice("format", Format.class, Format.JSON))
                .schema(f.choice("schema", AudienceSchema.class, AudienceSchema.MINIMAL))
                .pageSize(f.integer("pageSize", AudienceRequest.MIN_PAGE_SIZE, AudienceRequest.MAX_PAGE_SIZE)
                        .orElse(AudienceRequest.DEFAULT_PAGE_SIZE))
                .maxPages(f.integer("maxPages", 0, Integer.MAX_VALUE).orElse(null))
                .sortDir(f.choice("sortDir", SortDir.class, SortDir.ASC))
                .includeSuppressed(f.bool("includeSuppressed", false))
                .enrichEvents(enrichEvents(f))
                .enrichProfileLimit(f.integer("enrichProfileLimit", 0, Integer.MAX_VALUE).orElse(null))
                .enrichEventsMaxPages(f.integer("enrichEventsMaxPages", 0, Integer.MAX_VALUE).orElse(null))
                .overwrite(f.bool("overwrite", false))
                .build();
    }

    /**
     * Whether the body asks for work that reaches Klaviyo or writes storage, read from those fields alone: the route
     * decides on its gates before the rest of the body is checked, so a caller without the secret learns nothing of it.
     */
    public static boolean gated(ObjectNode body) {
        Fields f = new Fields(body);
        return AudienceRequest.gated(source(f), mode(f), enrichEvents(f));
    }

    private static Mode mode(Fields f) {
        return f.choice("mode", Mode.class, Mode.DRY_RUN);
    }

    private static Source source(Fields f) {
        return f.choice("source", Source.class, Source.PROFILES);
    }

    private static boolean enrichEvents(Fields f) {
        return f.bool("enrichEvents", false);
    }

    /**
     * Profiles given as JSON (a request body's {@code profiles}, a file for the CLI): JSON:API resources, or flat
     * objects with the same attribute names. All are read now, so a bad one is a 400 before any row is streamed.
     */
    public static List<Profile> profiles(JsonNode array, String field) {
        if (!array.isArray()) {
            throw KsyncException.badInput(field, array.getNodeType().name().toLowerCase(), "an array of profile objects");
        }
        List<Profile> profiles = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            if (!array.get(i).isObject()) {
                throw KsyncException.badInput(field + "[" + i + "]", array.get(i).toString(), "a profile object");
            }
            String path = field + "[" + i + "]";
            checkShape(array.get(i), path);
            Profile p;
            try {
                p = profileFrom(array.get(i));
            } catch (DateTimeException e) {
                throw KsyncException.badInput(path, e.getMessage(), DATETIMES);
            }
            checkYears(resource(array.get(i)) ? path + ".attributes" : path, p);
            profiles.add(p);
        }
        return profiles;
    }

    /**
     * Refuses a profile attribute of the wrong JSON kind, naming it by path ({@code profiles[0].email}, or
     * {@code profiles[0].attributes.email} for a resource): the wire reader is lenient, as Klaviyo's answers need, so an
     * object given as an email would reach the CSV as its JSON text, and a string given as subscriptions would read as
     * "no suppression".
     */
    private static void checkShape(JsonNode profile, String path) {
        boolean resource = resource(profile);
        JsonNode attributes = resource ? profile.get("attributes") : profile;
        String at = resource ? path + ".attributes" : path;
        text(profile, "id", path);
        for (String name : TEXT_ATTRIBUTES) {
            text(attributes, name, at);
        }
        for (String name : OBJECT_ATTRIBUTES) {
            JsonNode v = attributes.get(name);
            if (v != null && !v.isNull() && !v.isObject()) {
                throw KsyncException.badInput(at + "." + name, shown(v), "an object");
            }
        }
        JsonNode location = attributes.get("location");
        if (location != null && location.isObject()) {
            for (String name : LOCATION_TEXT) {
                text(location, name, at + ".location");
            }
            for (String name : LOCATION_NUMBERS) {
                JsonNode v = location.get(name);
                if (v != null && !v.isNull() && !v.isNumber() && !(v.isTextual() && numeric(v.textValue()))) {
                    throw KsyncException.badInput(at + ".location." + name, shown(v), "a number (or its text)");
                }
            }
        }
    }

    /**
     * A datetime far outside any Klaviyo account's life would reach the CSV altered (a year before 1 loses its sign
     * there): each is held to the years a request's days are ({@link Days}).
     */
    private static void checkYears(String attributes, Profile p) {
        checkYear(attributes + ".created", p.created());
        checkYear(attributes + ".updated", p.updated());
        checkYear(attributes + ".last_event_date", p.lastEventDate());
    }

    private static void checkYear(String field, Instant at) {
        int year = at == null ? Days.FIRST_YEAR : at.atOffset(ZoneOffset.UTC).getYear();
        if (year < Days.FIRST_YEAR || year > Days.LAST_YEAR) {
            throw KsyncException.badInput(field, at.toString(), DATETIMES + " in the years " + Days.FIRST_YEAR + " to "
                    + Days.LAST_YEAR);
        }
    }

    /** Where a profile's attributes are: under {@code attributes} for a resource, else the object itself. */
    private static boolean resource(JsonNode profile) {
        return profile.has("attributes") && profile.get("attributes").isObject();
    }

    /** A text attribute: a string (a number or boolean reads as its text), never an object or array. */
    private static void text(JsonNode node, String name, String path) {
        JsonNode v = node.get(name);
        if (v != null && v.isContainerNode()) {
            throw KsyncException.badInput(path + "." + name, shown(v), "text (a string)");
        }
    }

    private static boolean numeric(String text) {
        try {
            Double.parseDouble(text);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** A wrong value as an error shows it: its JSON, cut short (the error is logged). */
    private static String shown(JsonNode v) {
        String json = v.toString();
        return json.length() > 40 ? json.substring(0, 40) + "…" : json;
    }

    private static Profile profileFrom(JsonNode node) {
        if (node.has("attributes") && node.get("attributes").isObject()) {
            return Profile.from(node);
        }
        ObjectNode resource = JsonNodeFactory.instance.objectNode();
        resource.put("type", "profile");
        if (node.hasNonNull("id")) {
            resource.set("id", node.get("id"));
        }
        resource.set("attributes", node);
        return Profile.from(resource);
    }
}
