package dev.ksync.klaviyo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ksync.klaviyo.endpoint.Endpoints;
import dev.ksync.klaviyo.paging.PageEvent;
import dev.ksync.klaviyo.wire.Flow;
import dev.ksync.klaviyo.wire.Segment;
import dev.ksync.klaviyo.wire.Template;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.sandbox.SandboxServer;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Issue 10, item 3: any listing is one declaration, paged by one method, sequential or partitioned. */
class ListingTest {
    static SandboxServer sandbox;
    static KlaviyoClient client;

    /** A listing as a new resource would declare it: endpoint, decoder, slice field. */
    static final Listing<Segment> SEGMENTS = Listing.of(Endpoints.SEGMENTS, Listing.Decoder.each(Segment::from))
            .slicedBy("created", Segment::created);

    @BeforeAll
    static void start() {
        sandbox = SandboxServer.start(SandboxOptions.defaults().withSeed(7).withProfiles(50).withHistoryDays(10)
                .withApiKey("pk_listing_test").withRateLimits(RateLimitMode.scaled(60)));
        client = KlaviyoClient.builder(KlaviyoClientConfig.of(URI.create(sandbox.baseUrl())).withRateScale(60),
                ApiKey.of("pk_listing_test")).build();
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        sandbox.close();
    }

    @Test
    void a_declared_listing_pages_sequentially_and_partitioned_to_the_same_records() {
        List<String> sequential = client.list(SEGMENTS, Query.all().sort("created").pageSize(2)).map(Segment::id).toList();
        List<PageEvent> pages = new ArrayList<>();
        List<String> partitioned = client.list(SEGMENTS, Query.all().sort("created").pageSize(2)
                .partitioned(Partitioning.auto().withSlices(4)), pages::add).map(Segment::id).toList();
        List<String> unordered = client.list(SEGMENTS, Query.all().pageSize(2)
                .partitioned(Partitioning.auto().withSlices(4))).map(Segment::id).toList();

        assertThat(sequential).hasSize(11).doesNotHaveDuplicates();
        assertThat(partitioned).as("ordered slices merge in created order").isEqualTo(sequential);
        assertThat(unordered).containsExactlyInAnyOrderElementsOf(sequential);
        // segments filter created only with greater-than: each slice pages in created order and stops past its end
        assertThat(pages.stream().map(PageEvent::partition).collect(Collectors.toSet())).hasSizeGreaterThan(1);
    }

    @Test
    void a_listing_with_both_bounds_slices_by_filter_alone() {
        List<String> sequential = client.list(Listings.TEMPLATES, Query.all().sort("-created").pageSize(1))
                .map(Template::id).toList();
        // the sandbox dates some templates up to ~200 days ahead; slices end where the caller says
        Instant to = Instant.now().plus(java.time.Duration.ofDays(400));
        List<String> partitioned = client.list(Listings.TEMPLATES, Query.all().sort("-created").pageSize(1)
                .partitioned(new Partitioning(null, to, 3))).map(Template::id).toList();
        assertThat(sequential).isNotEmpty();
        assertThat(partitioned).isEqualTo(sequential);
    }

    @Test
    void filters_are_quoted_and_escaped_once() {
        assertThat(Filter.equals("name", "Ann \"A\" \\ B").render()).isEqualTo("equals(name,\"Ann \\\"A\\\" \\\\ B\")");
        assertThat(Filter.any("id", List.of("a", "b")).render()).isEqualTo("any(id,[\"a\",\"b\"])");
        assertThat(Filter.greaterOrEqual("datetime", Instant.parse("2026-01-02T03:04:05Z")).render())
                .isEqualTo("greater-or-equal(datetime,2026-01-02T03:04:05Z)");
        assertThat(Filter.equals("archived", true).render()).isEqualTo("equals(archived,true)");
        assertThat(Filter.has("profile").render()).isEqualTo("has(profile)");
        List<String> names = client.list(Listings.LISTS, Query.all().filter(Filter.equals("name", "VIP Customers")))
                .map(l -> l.name()).toList();
        assertThat(names).containsExactly("VIP Customers");
    }

    @Test
    void and_archived_lists_every_flow_once_the_archived_ones_only_in_the_second_listing() {
        List<Query> queries = Listings.andArchived(Query.all().sort("id"));
        assertThat(queries).hasSize(2);
        List<List<Flow>> listed = queries.stream().map(q -> client.list(Listings.FLOWS, q).toList()).toList();
        assertThat(listed.get(0)).as("Klaviyo's default: unarchived only").isNotEmpty()
                .allSatisfy(f -> assertThat(f.archived()).isFalse());
        assertThat(listed.get(1)).isNotEmpty().allSatisfy(f -> assertThat(f.archived()).isTrue());
        assertThat(listed.stream().flatMap(List::stream).map(Flow::id).toList())
                .containsExactlyInAnyOrderElementsOf(sandbox.data().flows().stream().map(f -> f.id()).toList());
    }

    @Test
    void an_undeclared_filter_field_or_operator_fails_before_any_call_naming_the_allowed_ones() {
        StubTransport transport = new StubTransport();
        KlaviyoClient k = KlaviyoClient.builder(KlaviyoClientConfig.of(URI.create("http://fake")), ApiKey.of("pk_test_12345678"))
                .transport(transport).build();
        assertThatThrownBy(() -> k.list(Listings.LISTS, Query.all().filter(Filter.lessThan("created", Instant.EPOCH))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("filter less-than(created) is not allowed on /api/lists; allowed: created greater-than;"
                        + " id any, equals; name any, equals; updated greater-than");
        assertThatThrownBy(() -> k.list(Listings.PROFILES, Query.all().filter(Filter.equals("first_name", "Ann"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("first_name")
                .hasMessageContaining("email any, equals");
        assertThatThrownBy(() -> k.list(Listings.TAGS, Query.all().sort("created")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allowed: [id, name]");
        assertThat(transport.calls).isEmpty();
    }

    @Test
    void a_listing_cannot_declare_a_slice_field_it_cannot_filter_from_below() {
        Set<String> fields = new TreeSet<>(Endpoints.TAGS.filters().keySet());
        assertThatThrownBy(() -> Listing.of(Endpoints.TAGS, Listing.Decoder.each(n -> n)).slicedBy("name", n -> Instant.EPOCH))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be sliced on name");
        assertThat(fields).containsExactly("name");
    }
}
