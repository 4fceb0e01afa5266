package dev.ksync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ksync.sandbox.data.Event;
import dev.ksync.sandbox.data.SandboxData;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A profile's last_event_date is the time of its latest event, as Klaviyo computes it. */
class LastEventDateTest {

    @Test
    void last_event_date_is_the_latest_event_of_every_profile_and_null_without_events() {
        try (SandboxServer s = TestSandboxes.start(TestSandboxes.small())) {
            SandboxData d = s.data();
            Map<Integer, Instant> latest = new HashMap<>();
            d.forEachEvent(d.historyStart(), d.historyEnd(), e -> latest.merge(e.profileIndex(), e.time(), (a, b) -> a.isAfter(b) ? a : b));
            SandboxClient c = new SandboxClient(s);
            int profiles = 0, withEvents = 0;
            for (String next = "/api/profiles?page[size]=100"; next != null; ) {
                JsonNode page = c.get(next).json();
                for (JsonNode p : page.get("data")) {
                    int index = d.profiles().indexOf(p.get("id").asText());
                    Instant expected = latest.get(index);
                    JsonNode served = p.at("/attributes/last_event_date");
                    assertThat(served.isNull() ? null : Instant.parse(served.asText())).as(p.get("id").asText()).isEqualTo(expected);
                    assertThat(d.profile(index).lastEventDate()).isEqualTo(expected);
                    profiles++;
                    if (expected != null) withEvents++;
                }
                next = page.at("/links/next").isNull() ? null : page.at("/links/next").asText();
            }
            assertThat(profiles).isEqualTo(d.profileCount());
            assertThat(withEvents).as("both kinds are present").isBetween(1, profiles - 1);
        }
    }

    @Test
    void last_event_date_matches_the_newest_event_the_events_api_returns_for_the_profile() {
        try (SandboxServer s = TestSandboxes.start(TestSandboxes.small())) {
            SandboxData d = s.data();
            SandboxClient c = new SandboxClient(s);
            int none = 0;
            for (int i = 0; i < d.profileCount(); i += 7) {
                String id = d.profile(i).id();
                JsonNode profile = c.get("/api/profiles/" + id).json().at("/data/attributes/last_event_date");
                String filter = URLEncoder.encode("equals(profile_id,\"" + id + "\")", StandardCharsets.UTF_8);
                JsonNode newest = c.get("/api/events?sort=-datetime&page[size]=1&filter=" + filter).json().get("data");
                if (newest.isEmpty()) {
                    assertThat(profile.isNull()).as(id + " has no events").isTrue();
                    none++;
                } else {
                    assertThat(Instant.parse(profile.asText())).as(id)
                            .isEqualTo(Instant.parse(newest.get(0).at("/attributes/datetime").asText()));
                }
            }
            assertThat(none).as("some profiles have no events").isPositive();
        }
    }

    @Test
    void no_event_happens_after_the_profiles_last_event_date() {
        SandboxData d = SandboxData.generate(7, 3000, 90, TestSandboxes.FIXED);
        Map<Integer, Instant> latest = new HashMap<>();
        for (Event e : d.eventsBetween(d.historyStart(), d.historyEnd())) latest.merge(e.profileIndex(), e.time(), (a, b) -> a.isAfter(b) ? a : b);
        for (int i = 0; i < d.profileCount(); i++) assertThat(d.profile(i).lastEventDate()).as("profile " + i).isEqualTo(latest.get(i));
    }
}
