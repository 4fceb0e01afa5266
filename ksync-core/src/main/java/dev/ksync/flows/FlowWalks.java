package dev.ksync.flows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.flows.FlowCatalog.FlowInfo;
import dev.ksync.flows.FlowCatalog.MessageInfo;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.reporting.ReportCache;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Walks of flows' send actions, remembered per account and flow for the flow's {@code updated} time: a flow Klaviyo
 * has not changed since is never walked again, by this run or a later one (any process on the database).
 */
final class FlowWalks {
    static final String KIND = "flow-walk";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<MessageInfo>> MESSAGES = new TypeReference<>() {};

    private final ReportCache cache;
    private final String account;
    private final Clock clock;
    private final Set<String> fetched = new TreeSet<>();
    private final Set<String> cached = new TreeSet<>();

    /** @param account Klaviyo's account id (the cache's key, never the API key) */
    FlowWalks(ReportCache cache, String account, Clock clock) {
        this.cache = cache;
        this.account = account;
        this.clock = clock;
    }

    /** The send actions' messages of {@code flowId}; {@code flow} (null when unknown) gives the version. */
    List<MessageInfo> walk(KlaviyoClient client, String flowId, FlowInfo flow) {
        String version = flow == null || flow.updated() == null ? null : flow.updated().toString();
        if (version != null) {
            var hit = cache.get(account, KIND, flowId, version);
            if (hit.isPresent()) {
                try {
                    List<MessageInfo> messages = JSON.readValue(hit.get().value(), MESSAGES);
                    cached.add(flowId);
                    return messages;
                } catch (JsonProcessingException e) {
                    // unreadable: walk again and replace it
                }
            }
        }
        List<MessageInfo> messages = FlowCatalog.walk(client, flowId);
        fetched.add(flowId);
        if (version != null) {
            try {
                cache.put(account, KIND, flowId, version, JSON.writeValueAsString(messages), clock.instant());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return messages;
    }

    /** Flows walked on Klaviyo in this run. */
    List<String> fetched() {
        return List.copyOf(fetched);
    }

    /** Flows whose walk came from the cache in this run. */
    List<String> cached() {
        return List.copyOf(cached);
    }
}
