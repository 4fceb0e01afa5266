package dev.ksync.klaviyo.paging;

import dev.ksync.klaviyo.Query;
import dev.ksync.klaviyo.Listings;
import dev.ksync.klaviyo.Filter;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ksync.klaviyo.ApiKey;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.KlaviyoClientConfig;
import dev.ksync.klaviyo.Partitioning;
import dev.ksync.klaviyo.StubTransport;
import dev.ksync.klaviyo.wire.Event;
import dev.ksync.klaviyo.wire.Profile;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PagingTest {
    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    final StubTransport transport = new StubTransport();

    KlaviyoClient client() {
        // real clock: budgets at Klaviyo's real limits never bind for these few calls
        return KlaviyoClient.builder(KlaviyoClientConfig.of(java.net.URI.create("http://fake")), ApiKey.of("pk_test_12345678"))
                .transport(transport).build();
    }

    /** Seeded times, with several exactly on whole seconds (slice boundaries) and duplicates. */
    static List<Instant> times(int n) {
        SplittableRandom r = new SplittableRandom(42);
        List<Instant> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long s = r.nextLong(0, 30L * 86400);
            out.add(T0.plusSeconds(s).plusMillis(i % 3 == 0 ? 0 : r.nextInt(1000)));
        }
        return out;
    }

    @Test
    void fetches_the_next_page_only_when_consumed() {
        transport.thenAlways(new FakeListing("event", "datetime", times(50)));
        try (Stream<Event> s = client().list(Listings.EVENTS, Query.all().pageSize(10))) {
            assertThat(transport.calls).isEmpty();
            assertThat(s.limit(11).count()).isEqualTo(11);
        }
        assertThat(transport.calls).hasSize(2);
    }

    @Test
    void follows_links_next_until_null_and_calls_the_hook_after_each_page() {
        transport.thenAlways(new FakeListing("event", "datetime", times(25)));
        List<PageEvent> pages = new ArrayList<>();
        assertThat(client().list(Listings.EVENTS, Query.all().pageSize(10), pages::add).count()).isEqualTo(25);
        assertThat(pages).extracting(PageEvent::records).containsExactly(10, 10, 5);
        assertThat(pages).extracting(PageEvent::last).containsExactly(false, false, true);
        assertThat(pages.get(0).nextLink()).contains("page[cursor]=10");
        assertThat(pages.get(2).nextLink()).isNull();
    }

    @Test
    void resumes_from_a_page_hook_checkpoint() {
        transport.thenAlways(new FakeListing("event", "datetime", times(25)));
        List<PageEvent> pages = new ArrayList<>();
        List<String> firstTwo = client().list(Listings.EVENTS, Query.all().pageSize(10).maxPages(2), pages::add).map(Event::id).toList();
        List<String> rest = client().list(Listings.EVENTS, Query.all().resumeFrom(pages.get(1).nextLink())).map(Event::id).toList();
        List<String> all = client().list(Listings.EVENTS, Query.all().pageSize(10)).map(Event::id).toList();
        List<String> joined = new ArrayList<>(firstTwo);
        joined.addAll(rest);
        assertThat(joined).isEqualTo(all);
    }

    @Test
    void partitioned_events_equal_the_sequential_listing_in_order_without_duplicates() {
        List<Instant> times = times(700);
        FakeListing fake = new FakeListing("event", "datetime", times);
        transport.thenAlways(fake);
        Instant from = T0, to = T0.plus(Duration.ofDays(30));
        List<Event> seq = client().list(Listings.EVENTS, Query.all().filter(Filter.greaterOrEqual("datetime", from)).filter(Filter.lessThan("datetime", to)).sort("datetime").pageSize(20)).toList();
        List<PageEvent> pages = Collections.synchronizedList(new ArrayList<>());
        List<Event> par = client().list(Listings.EVENTS, Query.all().sort("datetime").pageSize(20).partitioned(Partitioning.between(from, to).withSlices(13)), pages::add).toList();

        assertThat(seq).hasSize(700);
        assertThat(par).extracting(Event::id).containsExactlyElementsOf(seq.stream().map(Event::id).toList());
        assertThat(fake.maxInFlight.get()).as("slices ran in parallel").isGreaterThan(1);
        assertThat(pages.stream().filter(PageEvent::last).count()).isEqualTo(13);
    }

    @Test
    void partitioned_profiles_keep_records_on_slice_boundaries_exactly_once() {
        List<Instant> times = new ArrayList<>(times(400));
        for (int d = 0; d <= 30; d++) times.add(T0.plus(Duration.ofDays(d))); // exactly on many boundaries
        transport.thenAlways(new FakeListing("profile", "created", times));
        List<Profile> seq = client().list(Listings.PROFILES, Query.all().sort("created")).toList();
        List<Profile> par = client().list(Listings.PROFILES, Query.all().sort("created").partitioned(Partitioning.auto().withSlices(30))).toList();
        List<Profile> unordered = client().list(Listings.PROFILES, Query.all().partitioned(Partitioning.auto().withSlices(30))).toList();
        List<Profile> desc = client().list(Listings.PROFILES, Query.all().sort("-created").partitioned(Partitioning.auto().withSlices(7))).toList();

        assertThat(seq).hasSize(times.size());
        assertThat(par).extracting(Profile::id).containsExactlyElementsOf(seq.stream().map(Profile::id).toList());
        // without a requested sort, pages are handed on as they arrive: every record once, in any order
        assertThat(unordered).extracting(Profile::id).containsExactlyInAnyOrderElementsOf(seq.stream().map(Profile::id).toList());
        assertThat(desc).extracting(Profile::created).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(desc).extracting(Profile::id).doesNotHaveDuplicates().hasSameSizeAs(seq);
    }

    @Test
    void a_free_slot_takes_half_of_the_slice_with_most_left_and_every_record_still_comes_once() {
        // the last of 4 slices holds nearly everything, many records sharing a second: without splitting it would
        // page alone, one call after another, while the other slots stand idle
        List<Instant> times = new ArrayList<>();
        for (int d = 0; d < 22; d += 7) for (int i = 0; i < 10; i++) times.add(T0.plus(Duration.ofDays(d)).plusSeconds(i));
        Instant busy = T0.plus(Duration.ofHours(540));
        for (int i = 0; i < 1200; i++) times.add(busy.plusSeconds(i / 4 * 2_150L));
        FakeListing fake = new FakeListing("event", "datetime", times);
        transport.thenAlways(fake);
        Instant from = T0, to = T0.plus(Duration.ofDays(30));
        List<Event> seq = client().list(Listings.EVENTS, Query.all().filter(Filter.greaterOrEqual("datetime", from))
                .filter(Filter.lessThan("datetime", to)).sort("datetime").pageSize(10)).toList();
        int sequentialCalls = transport.calls.size();
        transport.calls.clear();
        List<PageEvent> pages = Collections.synchronizedList(new ArrayList<>());

        List<Event> par = client().list(Listings.EVENTS, Query.all().pageSize(10)
                .partitioned(Partitioning.between(from, to).withSlices(4).halving()), pages::add).toList();

        assertThat(par).extracting(Event::id).containsExactlyInAnyOrderElementsOf(seq.stream().map(Event::id).toList());
        long slices = pages.stream().filter(PageEvent::last).count();
        assertThat(slices).as("slices paged, the 4 and the halves split off").isGreaterThan(8);
        // each split costs at most one more partly filled page for each half
        assertThat(transport.calls.size()).isLessThanOrEqualTo(sequentialCalls + 2 * (int) (slices - 4) + 4);
        assertThat(transport.calls).allSatisfy(c -> assertThat(c.uri().getQuery()).contains("sort=datetime"));
    }

    @Test
    void closing_a_partitioned_stream_early_stops_its_workers() {
        transport.thenAlways(new FakeListing("event", "datetime", times(2000)));
        try (Stream<Event> s = client().list(Listings.EVENTS, Query.all().pageSize(10).partitioned(Partitioning.between(T0, T0.plus(Duration.ofDays(30))).withSlices(8)))) {
            assertThat(s.limit(5).count()).isEqualTo(5);
        }
        int after = transport.calls.size();
        assertThat(after).isLessThan(200);
    }
}
