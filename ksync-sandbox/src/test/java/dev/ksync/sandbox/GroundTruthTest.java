package dev.ksync.sandbox;

import dev.ksync.sandbox.data.Campaign;
import dev.ksync.sandbox.data.Flow;
import dev.ksync.sandbox.data.Profile;
import dev.ksync.sandbox.data.SandboxData;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The generated account has what the syncs need to meet. */
class GroundTruthTest {
    private final SandboxData data = SandboxData.generate(42, 2000, 120, TestSandboxes.FIXED);

    @Test
    void profiles_come_in_every_consent_state() {
        Set<String> states = new HashSet<>();
        Set<String> reasons = new HashSet<>();
        boolean listImport = false, listSuppression = false, predictive = false, noPredictive = false, beforeHistory = false, sms = false;
        for (int i = 0; i < data.profileCount(); i++) {
            Profile p = data.profile(i);
            states.add(p.emailMarketing().consent());
            p.emailMarketing().suppression().forEach(s -> reasons.add(s.reason()));
            listImport |= "LIST_IMPORT".equals(p.emailMarketing().method());
            listSuppression |= !p.emailMarketing().listSuppressions().isEmpty();
            predictive |= p.predictive().historicClv() != null;
            noPredictive |= p.predictive().historicClv() == null;
            beforeHistory |= p.created().isBefore(data.historyStart());
            sms |= p.smsMarketing() != null && p.smsMarketing().consent().equals("SUBSCRIBED");
        }
        assertThat(states).containsExactlyInAnyOrder("SUBSCRIBED", "NEVER_SUBSCRIBED", "UNSUBSCRIBED");
        assertThat(reasons).containsExactlyInAnyOrder("HARD_BOUNCE", "INVALID_EMAIL", "SPAM_COMPLAINT", "UNSUBSCRIBE", "USER_SUPPRESSED");
        assertThat(List.of(listImport, listSuppression, predictive, noPredictive, beforeHistory, sms)).containsOnly(true);
    }

    @Test
    void profile_ids_decode_back_to_their_profile_and_sort_like_creation() {
        for (int i : IntStream.of(0, 1, 17, 1999).toArray()) assertThat(data.profileById(data.profile(i).id()).orElseThrow().index()).isEqualTo(i);
        assertThat(data.profile(5).id()).isLessThan(data.profile(6).id());
        assertThat(data.profile(5).created()).isBefore(data.profile(6).created());
        assertThat(data.profileById("01AAAAAAAAAAAAAAAAAAAAAAAA")).isEmpty();
    }

    @Test
    void flows_and_campaigns_cover_every_status() {
        assertThat(data.flows()).extracting(Flow::status).contains("live", "manual", "draft");
        assertThat(data.flows()).anyMatch(Flow::archived);
        assertThat(data.campaigns()).extracting(Campaign::status).contains("Sent", "Draft", "Scheduled", "Cancelled");
        assertThat(data.campaigns()).extracting(Campaign::channel).contains("email", "sms");
        assertThat(data.campaigns()).anyMatch(Campaign::archived);
        assertThat(data.flowMessages()).extracting(m -> m.channel()).contains("email", "sms");
        assertThat(data.timezone().getId()).isNotEqualTo("UTC");
    }

    @Test
    void a_campaign_scheduled_for_later_was_created_and_updated_before_now() {
        assertThat(data.campaigns()).filteredOn(c -> c.status().equals("Scheduled")).isNotEmpty()
                .allSatisfy(c -> {
                    assertThat(c.sendTime()).isAfter(data.historyEnd());
                    assertThat(List.of(c.created(), c.updated(), c.scheduledAt())).allMatch(t -> !t.isAfter(data.historyEnd()));
                });
    }

    @Test
    void a_suppression_inside_the_history_left_its_event_and_no_send_follows_it() {
        var events = data.eventsBetween(data.historyStart(), data.historyEnd());
        int checked = 0;
        for (int i = 0; i < data.profileCount() && checked < 20; i++) {
            Profile p = data.profile(i);
            if (p.emailMarketing().suppression().isEmpty()) continue;
            var s = p.emailMarketing().suppression().get(0);
            if (s.timestamp().isBefore(data.historyStart()) || !s.timestamp().isBefore(data.historyEnd())) continue;
            String metric = switch (s.reason()) {
                case "UNSUBSCRIBE" -> "Unsubscribed";
                case "SPAM_COMPLAINT" -> "Marked Email as Spam";
                case "HARD_BOUNCE" -> "Bounced Email";
                default -> null;
            };
            if (metric == null) continue;
            int idx = i;
            assertThat(events).as(p.id() + " " + s.reason()).anyMatch(e -> e.profileIndex() == idx && e.metric().name().equals(metric)
                    && e.time().getEpochSecond() == s.timestamp().getEpochSecond());
            assertThat(events).noneMatch(e -> e.profileIndex() == idx && e.metric().name().equals("Received Email") && e.time().isAfter(s.timestamp()));
            checked++;
        }
        assertThat(checked).isPositive();
    }

    @Test
    void a_one_profile_one_day_sandbox_still_serves_every_list() {
        try (SandboxServer s = TestSandboxes.start(SandboxOptions.defaults().withProfiles(1).withHistoryDays(1).withRateLimits(RateLimitMode.OFF))) {
            SandboxClient c = new SandboxClient(s);
            for (String url : List.of("/api/profiles", "/api/events", "/api/flows", "/api/lists", "/api/metrics",
                    "/api/campaigns?filter=equals(messages.channel,%22email%22)")) {
                assertThat(c.get(url).status()).as(url).isEqualTo(200);
            }
            assertThat(c.get("/api/profiles").json().get("data")).hasSize(1);
        }
    }

    @Test
    void faults_fail_about_the_requested_fraction() {
        var f = new dev.ksync.sandbox.faults.Faults(42, 0.1);
        int failed = 0;
        for (int i = 0; i < 20_000; i++) if (f.next() != null) failed++;
        assertThat(failed / 20_000.0).isBetween(0.08, 0.12);
    }

    @Test
    void events_are_consistent_with_profiles_and_messages() {
        var events = data.eventsBetween(data.historyStart(), data.historyEnd());
        assertThat(events).extracting(e -> e.metric().name()).contains("Received Email", "Opened Email", "Clicked Email",
                "Bounced Email", "Marked Email as Spam", "Unsubscribed", "Placed Order", "Ordered Product", "Received SMS");
        for (var e : events.subList(0, Math.min(5000, events.size()))) {
            Profile p = data.profile(e.profileIndex());
            assertThat(p.created()).as("no event before its profile exists").isBeforeOrEqualTo(e.time());
            if (e.metric().name().equals("Received Email")) {
                assertThat(p.email()).isNotNull();
                assertThat(e.messageId()).isNotNull();
            }
        }
        var first = events.get(0);
        int[] at = data.events().locate(first.id());
        assertThat(at).containsExactly(first.day(), first.position());
    }
}
