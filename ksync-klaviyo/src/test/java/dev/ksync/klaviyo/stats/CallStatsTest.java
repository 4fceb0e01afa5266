package dev.ksync.klaviyo.stats;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallStatsTest {
    @Test
    void snapshot_serialises_into_diagnostics_json_per_endpoint_with_totals() throws Exception {
        CallRecorder r = new CallRecorder(CallListener.NONE);
        r.call("get_profiles", 200, Duration.ofMillis(40));
        r.call("get_profiles", 429, Duration.ofMillis(5));
        r.retry("get_profiles", "429", Duration.ZERO);
        r.budgetWait("get_profiles", Duration.ofMillis(1200));
        r.call("get_events", 200, Duration.ofMillis(40));

        JsonNode json = new ObjectMapper().valueToTree(r.snapshot());

        assertThat(json.at("/endpoints/get_profiles/calls").asLong()).isEqualTo(2);
        assertThat(json.at("/endpoints/get_profiles/throttled").asLong()).isEqualTo(1);
        assertThat(json.at("/endpoints/get_profiles/retries").asLong()).isEqualTo(1);
        assertThat(json.at("/endpoints/get_profiles/budgetWaitMs").asLong()).isEqualTo(1200);
        assertThat(json.at("/total/calls").asLong()).isEqualTo(3);
    }

    @Test
    void listener_sees_every_event_for_a_metrics_bridge() {
        List<String> seen = new ArrayList<>();
        CallRecorder r = new CallRecorder(new CallListener() {
            @Override public void onCall(String op, int status, Duration latency) { seen.add(op + ":" + status); }
            @Override public void onRetry(String op, String reason) { seen.add(op + ":retry:" + reason); }
            @Override public void onFailure(String op, String type) { seen.add(op + ":fail:" + type); }
        });
        r.call("get_tags", 503, Duration.ZERO);
        r.retry("get_tags", "503", Duration.ofMillis(100));
        r.failure("get_tags", "Upstream");
        assertThat(seen).containsExactly("get_tags:503", "get_tags:retry:503", "get_tags:fail:Upstream");
    }

    @Test
    void minus_gives_one_jobs_share_of_a_shared_client() {
        CallRecorder r = new CallRecorder(CallListener.NONE);
        r.call("get_tags", 200, Duration.ZERO);
        CallStats before = r.snapshot();
        r.call("get_tags", 200, Duration.ZERO);
        r.call("get_flows", 200, Duration.ZERO);
        CallStats job = r.snapshot().minus(before);
        assertThat(job.endpoint("get_tags").calls()).isEqualTo(1);
        assertThat(job.total().calls()).isEqualTo(2);
    }
}
