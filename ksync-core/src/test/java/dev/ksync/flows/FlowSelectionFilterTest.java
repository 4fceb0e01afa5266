package dev.ksync.flows;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ksync.flows.FlowCatalog.FlowInfo;
import dev.ksync.flows.FlowCatalog.MessageInfo;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The report filter of a capped flow sync names at most 100 ids a list (Klaviyo refuses more: "Max of 100 items per
 * list filter"); past that the filter is left off and the selection is kept from the report's rows instead.
 */
class FlowSelectionFilterTest {
    /** 150 live flows f000…f149 of two messages each, f000m0, f000m1, … */
    private static final Map<String, FlowInfo> FLOWS = new LinkedHashMap<>();

    static {
        IntStream.range(0, 150).mapToObj(i -> String.format("f%03d", i)).forEach(id -> FLOWS.put(id, new FlowInfo(id,
                "Flow " + id, "live", false, List.of(), List.of(new MessageInfo(id + "m0", "m0", "email"),
                new MessageInfo(id + "m1", "m1", "sms")), Instant.EPOCH)));
    }

    private static FlowSync.Selection select(Integer limitFlows, Integer limitMessages) {
        return FlowSync.Selection.of(FLOWS, FlowSyncRequest.builder().limitFlows(limitFlows).limitMessages(limitMessages).build());
    }

    @Test
    void a_hundred_flows_are_filtered_by_klaviyo() {
        FlowSync.Selection s = select(100, null);
        assertThat(s.reportFilter()).startsWith("contains-any(flow_id,[\"f000\",").endsWith("\"f099\"])");
        assertThat(s.reportFilter().split(",")).hasSize(101);
    }

    @Test
    void over_a_hundred_flows_or_messages_leave_their_filter_off_and_keep_the_selection_on_our_side() {
        FlowSync.Selection flows = select(120, null);
        assertThat(flows.reportFilter()).isNull();
        assertThat(flows.allows("f119", "f119m1")).isTrue();
        assertThat(flows.allows("f120", "f120m0")).isFalse();

        FlowSync.Selection messages = select(null, 150);
        assertThat(messages.reportFilter()).isNull();
        assertThat(messages.allows("f074", "f074m1")).isTrue();
        assertThat(messages.allows("f075", "f075m0")).isFalse();
        assertThat(messages.sendingMessages()).isEqualTo(150);
    }

    @Test
    void the_list_that_fits_stays_when_the_other_is_too_long() {
        FlowSync.Selection s = select(60, 110);
        assertThat(s.reportFilter()).startsWith("contains-any(flow_id,[").doesNotContain("flow_message_id");
        assertThat(s.allows("f054", "f054m1")).isTrue();
        assertThat(s.allows("f055", "f055m0")).isFalse();
        assertThat(s.allows("f059", "f059m0")).isFalse();
    }
}
