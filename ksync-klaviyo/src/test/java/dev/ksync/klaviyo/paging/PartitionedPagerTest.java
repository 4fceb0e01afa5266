package dev.ksync.klaviyo.paging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ksync.klaviyo.wire.Included;
import dev.ksync.klaviyo.wire.Page;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Where a slice's pages end. */
class PartitionedPagerTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    @ParameterizedTest(name = "ordered={0}")
    @ValueSource(booleans = {true, false})
    void a_record_dated_past_a_bounded_slices_end_is_left_out_and_the_slice_pages_on(boolean ordered) {
        // a profile updated while the load runs: Klaviyo's less-than filter matched it, its attribute is newer now
        Instant to = T0.plus(Duration.ofDays(1));
        PageSource source = uri -> {
            int page = Integer.parseInt(uri.getPath().substring(1));
            List<JsonNode> data = page == 1
                    ? List.of(record("late", to.plusSeconds(5)), record("a", T0.plusSeconds(10)))
                    : List.of(record("b", T0.plusSeconds(20 + page)));
            return new Page(data, Included.NONE, page < 3 ? "http://s/" + (page + 1) : null);
        };
        List<Slice> slices = List.of(new Slice("s", T0, to, URI.create("http://s/1")));

        List<String> ids;
        try (Stream<JsonNode> s = PartitionedPager.stream("op", slices, source, Page::data,
                n -> Instant.parse(n.path("at").asText()), PageListener.NONE, 2, 1, ordered)) {
            ids = s.map(n -> n.path("id").asText()).toList();
        }

        assertThat(ids).containsExactly("a", "b", "b");
    }

    private static JsonNode record(String id, Instant at) {
        return JsonNodeFactory.instance.objectNode().put("id", id).put("at", at.toString());
    }
}
