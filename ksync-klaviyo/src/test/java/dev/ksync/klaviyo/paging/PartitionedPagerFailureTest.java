package dev.ksync.klaviyo.paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ksync.klaviyo.wire.Included;
import dev.ksync.klaviyo.wire.Page;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A slice whose page fails while its buffer is full must still end the stream with that failure, never hang. */
class PartitionedPagerFailureTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    @ParameterizedTest(name = "ordered={0}")
    @ValueSource(booleans = {true, false})
    void a_failure_behind_a_full_buffer_reaches_the_consumer(boolean ordered) throws Exception {
        // slice "a" has 50 pages, slice "b" fails on its 4th page (its buffer of 1 page is full by then)
        PageSource source = uri -> {
            String slice = uri.getHost();
            int page = Integer.parseInt(uri.getPath().substring(1));
            if (slice.equals("b") && page == 4) {
                throw new IllegalStateException("page 4 of b failed");
            }
            String next = page < 50 ? "http://" + slice + "/" + (page + 1) : null;
            List<JsonNode> data = List.of(JsonNodeFactory.instance.objectNode().put("id", slice + page));
            return new Page(data, Included.NONE, next);
        };
        List<Slice> slices = List.of(
                new Slice("a", T0, T0.plus(Duration.ofDays(1)), URI.create("http://a/1")),
                new Slice("b", T0.plus(Duration.ofDays(1)), T0.plus(Duration.ofDays(2)), URI.create("http://b/1")));
        CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
            try (Stream<JsonNode> s = PartitionedPager.stream("op", slices, source, Page::data, null,
                    PageListener.NONE, 2, 1, ordered)) {
                s.forEach(n -> { });
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        });
        Throwable failure = outcome.get(20, TimeUnit.SECONDS);
        assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessage("page 4 of b failed");
    }

    @ParameterizedTest(name = "ordered={0}")
    @ValueSource(booleans = {true, false})
    void an_error_thrown_by_a_slice_is_reported_not_swallowed(boolean ordered) {
        PageSource source = uri -> {
            throw new StackOverflowError("deep");
        };
        List<Slice> slices = List.of(new Slice("a", T0, T0.plus(Duration.ofDays(1)), URI.create("http://a/1")));
        assertThatThrownBy(() -> {
            try (Stream<JsonNode> s = PartitionedPager.stream("op", slices, source, Page::data, null,
                    PageListener.NONE, 1, 1, ordered)) {
                s.forEach(n -> { });
            }
        }).isInstanceOf(IllegalStateException.class).hasMessageContaining("paging op failed");
    }

    @org.junit.jupiter.api.Test
    void an_unreadable_datetime_from_klaviyo_is_a_protocol_error() {
        PageSource source = uri -> Page.from(JsonNodeFactory.instance.objectNode().set("data",
                JsonNodeFactory.instance.arrayNode().add(JsonNodeFactory.instance.objectNode().put("type", "profile")
                        .put("id", "P1").set("attributes", JsonNodeFactory.instance.objectNode().put("created", "soon")))));
        assertThatThrownBy(() -> {
            try (Stream<dev.ksync.klaviyo.wire.Profile> s = Pager.stream("get_profiles", null, URI.create("http://a/1"),
                    source, p -> p.data().stream().map(dev.ksync.klaviyo.wire.Profile::from).toList(), PageListener.NONE, 0)) {
                s.forEach(x -> { });
            }
        }).isInstanceOf(dev.ksync.klaviyo.error.KlaviyoException.Protocol.class).hasMessageContaining("datetime");
    }
}
