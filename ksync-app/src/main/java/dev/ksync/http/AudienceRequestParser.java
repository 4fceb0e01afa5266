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
import dev.ksync.sync.Mode;
import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The audience-sync JSON body as an {@link AudienceRequest}: JSON types here, meaning in the record. */
public final class AudienceRequestParser {
    public static final Set<String> FIELDS = Set.of("mode", "format", "schema", "source", "profiles",
            SyncFields.KLAVIYO_API_KEY, "accountId", "uploadId", "pageSize", "maxPages", "sortBy", "sortDir", "includeSuppressed",
            "enrichEvents", "enrichProfileLimit", "enrichEventsMaxPages", "overwrite");

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
            try {
                profiles.add(profileFrom(array.get(i)));
            } catch (DateTimeException e) {
                throw KsyncException.badInput(field + "[" + i + "]", e.getMessage(),
                        "ISO-8601 datetimes (2025-09-16T08:15:00Z, offsets and microseconds allowed)");
            }
        }
        return profiles;
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
