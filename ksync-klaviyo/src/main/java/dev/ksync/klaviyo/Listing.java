package dev.ksync.klaviyo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ksync.klaviyo.endpoint.Endpoint;
import dev.ksync.klaviyo.wire.Page;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A Klaviyo resource listing as data: the endpoint (path, page size, cursor style, filters, sorts, tier), how a
 * page decodes, the time fields it can be sliced on for partitioned paging, and filters it always carries.
 * {@link KlaviyoClient#list} pages any listing; adding a resource is one declaration in {@link Listings}.
 *
 * @param sliceFields filter field → the record's value of it, first = the default for partitioning; a field
 *                    must be a declared filter of the endpoint with a lower-bound operator
 * @param filters     always sent (e.g. the channel of a campaign listing)
 */
public record Listing<T>(Endpoint endpoint, Decoder<T> decoder, Map<String, Function<T, Instant>> sliceFields,
                         List<Filter> filters) {
    /** Turns one page (and the parent id of a nested listing) into records. */
    @FunctionalInterface
    public interface Decoder<T> {
        List<T> decode(Page page, String parentId);

        /** Each {@code data[]} item on its own. */
        static <T> Decoder<T> each(Function<JsonNode, T> f) {
            return (page, parent) -> page.data().stream().map(f).toList();
        }

        /** Each item, told the parent id (a flow action knows its flow). */
        static <T> Decoder<T> eachWithParent(BiFunction<JsonNode, String, T> f) {
            return (page, parent) -> page.data().stream().map(r -> f.apply(r, parent)).toList();
        }

        /** The whole page at once (events attach their {@code included[]} metric and profile). */
        static <T> Decoder<T> page(Function<Page, List<T>> f) {
            return (page, parent) -> f.apply(page);
        }

        /** Whether pages reach this decoder {@link Page#raw raw}: resources as sent, not as trees. */
        default boolean raw() {
            return false;
        }

        /** The whole page, read raw. */
        static <T> Decoder<T> rawPage(Function<Page, List<T>> f) {
            return new Decoder<>() {
                @Override
                public List<T> decode(Page page, String parentId) {
                    return f.apply(page);
                }

                @Override
                public boolean raw() {
                    return true;
                }
            };
        }
    }

    public Listing {
        Objects.requireNonNull(endpoint, "endpoint is null");
        Objects.requireNonNull(decoder, "decoder is null");
        sliceFields = Collections.unmodifiableMap(new LinkedHashMap<>(sliceFields));
        filters = List.copyOf(filters);
        for (String f : sliceFields.keySet()) {
            if (!endpoint.allowsFilter(f, "greater-or-equal") && !endpoint.allowsFilter(f, "greater-than")) {
                throw new IllegalArgumentException(endpoint.path() + " cannot be sliced on " + f + ": no lower-bound filter");
            }
        }
        filters.forEach(f -> f.checkAgainst(endpoint));
    }

    public static <T> Listing<T> of(Endpoint endpoint, Decoder<T> decoder) {
        return new Listing<>(endpoint, decoder, Map.of(), List.of());
    }

    /** Partitioned paging may slice on {@code field}, whose value a record gives through {@code value}. */
    public Listing<T> slicedBy(String field, Function<T, Instant> value) {
        Map<String, Function<T, Instant>> m = new LinkedHashMap<>(sliceFields);
        m.put(field, value);
        return new Listing<>(endpoint, decoder, m, filters);
    }

    /** Every call of this listing carries {@code f}. */
    public Listing<T> always(Filter f) {
        List<Filter> all = new ArrayList<>(filters);
        all.add(f);
        return new Listing<>(endpoint, decoder, sliceFields, all);
    }
}
