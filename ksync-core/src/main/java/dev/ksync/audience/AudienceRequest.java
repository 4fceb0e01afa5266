package dev.ksync.audience;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ksync.accounts.AccountId;
import dev.ksync.config.Secret;
import dev.ksync.error.KsyncException;
import dev.ksync.klaviyo.wire.Profile;
import dev.ksync.request.Fields;
import dev.ksync.store.UploadId;
import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A validated audience-sync request (PRODUCT.md §2). Built by {@link #parse} from the JSON body; the CLI turns its
 * options into the same object so both doors share one validation.
 *
 * @param pageSize   profiles per requested page, 1..1000; Klaviyo serves at most 100 a page, so a larger size is
 *                   served by several Klaviyo pages
 * @param maxPages   pages of {@code pageSize} to scan: empty = all, 0 = header only
 * @param sortBy     a Klaviyo profile sort field, or empty for Klaviyo's order
 */
public record AudienceRequest(
        Mode mode,
        Format format,
        AudienceSchema schema,
        Source source,
        List<Profile> profiles,
        Optional<Secret> klaviyoApiKey,
        Optional<AccountId> accountId,
        Optional<UploadId> uploadId,
        int pageSize,
        Optional<Integer> maxPages,
        Optional<String> sortBy,
        SortDir sortDir,
        boolean includeSuppressed,
        boolean enrichEvents,
        Optional<Integer> enrichProfileLimit,
        Optional<Integer> enrichEventsMaxPages) {

    public enum Mode { DRY_RUN, LIVE }

    public enum Format { JSON, CSV }

    public enum Source { PROFILES, KLAVIYO }

    public enum SortDir { ASC, DESC }

    public static final int DEFAULT_PAGE_SIZE = 100;
    public static final Set<String> FIELDS = Set.of("mode", "format", "schema", "source", "profiles",
            "klaviyoApiKey", "accountId", "uploadId", "pageSize", "maxPages", "sortBy", "sortDir", "includeSuppressed",
            "enrichEvents", "enrichProfileLimit", "enrichEventsMaxPages");
    /** The profile sort fields Klaviyo allows (GET /api/profiles {@code sort}). */
    public static final List<String> SORT_FIELDS = List.of("created", "email", "id", "updated",
            "subscriptions.email.marketing.suppression.timestamp",
            "subscriptions.email.marketing.list_suppressions.timestamp");

    public AudienceRequest {
        profiles = List.copyOf(profiles);
    }

    public static AudienceRequest parse(ObjectNode body) {
        Fields f = new Fields(body);
        Mode mode = f.choice("mode", Mode.class, Mode.DRY_RUN);
        Source source = f.choice("source", Source.class, Source.PROFILES);
        List<Profile> profiles = new ArrayList<>();
        if (source == Source.PROFILES) {
            JsonNode p = f.node("profiles");
            if (p == null || p.isNull()) {
                throw KsyncException.badInput("profiles", null,
                        "an array of Klaviyo profile objects when source is 'profiles' (or use source 'klaviyo')");
            }
            if (!p.isArray()) {
                throw KsyncException.badInput("profiles", p.getNodeType().name().toLowerCase(), "an array of profile objects");
            }
            for (int i = 0; i < p.size(); i++) {
                if (!p.get(i).isObject()) {
                    throw KsyncException.badInput("profiles[" + i + "]", p.get(i).toString(), "a profile object");
                }
                // Read every profile now, so a bad value is a 400 before any row is streamed.
                try {
                    profiles.add(profileFrom(p.get(i)));
                } catch (DateTimeException e) {
                    throw KsyncException.badInput("profiles[" + i + "]", e.getMessage(),
                            "ISO-8601 datetimes (2025-09-16T08:15:00Z, offsets and microseconds allowed)");
                }
            }
        } else if (f.has("profiles")) {
            throw KsyncException.badInput("profiles", "(given)", "only with source 'profiles'");
        }
        Optional<AccountId> accountId = f.text("accountId").map(v -> AccountId.of("accountId", v));
        if (mode == Mode.LIVE && accountId.isEmpty()) {
            throw KsyncException.badInput("accountId", null,
                    "an account id for live runs (" + AccountId.ALLOWED + "); it names the storage folder");
        }
        Optional<String> sortBy = f.text("sortBy").map(s -> {
            if (!SORT_FIELDS.contains(s)) {
                throw KsyncException.badInput("sortBy", s, String.join(", ", SORT_FIELDS));
            }
            return s;
        });
        return new AudienceRequest(
                mode,
                f.choice("format", Format.class, Format.JSON),
                f.choice("schema", AudienceSchema.class, AudienceSchema.MINIMAL),
                source,
                profiles,
                f.secretText("klaviyoApiKey").map(Secret::new),
                accountId,
                f.text("uploadId").map(UploadId::new),
                f.integer("pageSize", 1, 1000).orElse(DEFAULT_PAGE_SIZE),
                f.integer("maxPages", 0, Integer.MAX_VALUE),
                sortBy,
                f.choice("sortDir", SortDir.class, SortDir.ASC),
                f.bool("includeSuppressed", false),
                f.bool("enrichEvents", false),
                f.integer("enrichProfileLimit", 0, Integer.MAX_VALUE),
                f.integer("enrichEventsMaxPages", 0, Integer.MAX_VALUE));
    }

    /** A profile given in a request body: a JSON:API resource, or a flat object with the same attribute names. */
    static Profile profileFrom(JsonNode node) {
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

    /** Whether this request reaches Klaviyo or writes storage, so must pass the gates. */
    public boolean gated() {
        return source == Source.KLAVIYO || mode == Mode.LIVE || enrichEvents;
    }

    /** How many profiles at most are scanned: pageSize × maxPages, or unbounded. */
    public long profileLimit() {
        return maxPages.map(m -> (long) m * pageSize).orElse(Long.MAX_VALUE);
    }

    /** Klaviyo's sort parameter for this request ({@code -created} for descending), or null. */
    public String klaviyoSort() {
        return sortBy.map(s -> sortDir == SortDir.DESC ? "-" + s : s).orElse(null);
    }
}
