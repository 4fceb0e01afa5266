package dev.ksync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ksync.sandbox.data.Profile;
import dev.ksync.sandbox.data.SandboxData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * created/updated ranges are served from a searched position range, not a scan: they must still
 * return exactly the profiles a scan would, in sort order, either direction, across pages.
 */
class ProfileTimeRangeTest extends SmallSandboxTest {

    @ParameterizedTest(name = "{0} in [{1}, {2}) of the span, sort={3}")
    @CsvSource({
            "created, 0.30, 0.55, created", "created, 0.30, 0.55, -created", "created, 0.30, 0.55, ",
            "created, 0.00, 0.10, created", "created, 0.95, 1.10, -created", "created, 0.95, 1.10, created", "created, 0.50, 0.50, created",
            "updated, 0.10, 0.30, updated", "updated, 0.10, 0.30, -updated", "updated, 0.10, 0.30, created",
            "updated, 0.10, 0.30, -created", "updated, 0.20, 1.10, updated", "updated, 0.20, 1.10, -created"})
    void a_time_range_pages_exactly_the_profiles_inside_it_in_sort_order(String field, double a, double b, String sort) {
        SandboxData d = server.data();
        Function<Profile, Instant> time = field.equals("created") ? Profile::created : Profile::updated;
        List<Profile> all = new ArrayList<>();
        for (int i = 0; i < d.profileCount(); i++) all.add(d.profile(i));
        // Bounds are the field's own values at those fractions (so boundary seconds are exercised);
        // past 1 the range runs beyond the newest profile.
        List<Instant> times = all.stream().map(time).sorted().toList();
        Instant from = times.get((int) (times.size() * a));
        Instant to = b > 1 ? d.historyEnd().plusSeconds(86_400) : times.get((int) (times.size() * b));
        List<String> expected = new ArrayList<>();
        String sortField = sort == null ? "id" : sort.replace("-", "");
        Comparator<Profile> order = Comparator.comparing(sortField.equals("updated") ? Profile::updated : Profile::created)
                .thenComparing(Profile::index);
        if (sort != null && sort.startsWith("-")) order = order.reversed();
        all.stream().filter(p -> time.apply(p).isAfter(from) && time.apply(p).isBefore(to)).sorted(order)
                .forEach(p -> expected.add(p.id()));

        String filter = URLEncoder.encode("greater-than(" + field + "," + from + "),less-than(" + field + "," + to + ")", StandardCharsets.UTF_8);
        List<String> got = new ArrayList<>();
        String next = "/api/profiles?page[size]=20&filter=" + filter + (sort == null ? "" : "&sort=" + sort);
        while (next != null) {
            JsonNode page = client.get(next).json();
            page.get("data").forEach(p -> got.add(p.get("id").asText()));
            next = page.at("/links/next").isNull() ? null : page.at("/links/next").asText();
        }
        assertThat(got).containsExactlyElementsOf(expected);
        if (a < b) assertThat(got).hasSizeGreaterThan(1);
    }
}
