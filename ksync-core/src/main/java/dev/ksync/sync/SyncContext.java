package dev.ksync.sync;

import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.klaviyo.KlaviyoClient;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/** What a running job may use and tell: the clock, its own Klaviyo client, progress, caps and plan choices. */
public final class SyncContext {
    private final Clock clock;
    private final Supplier<KlaviyoClient> clients;
    private final LongConsumer progress;
    private final LongConsumer total;
    private final Optional<Instant> deadline;
    private final List<Cap> caps = new ArrayList<>();
    private final List<PlanChoice> plans = new ArrayList<>();
    private KlaviyoClient client;

    SyncContext(Clock clock, Supplier<KlaviyoClient> clients, LongConsumer progress, LongConsumer total,
            Optional<Instant> deadline) {
        this.clock = clock;
        this.clients = clients;
        this.progress = progress;
        this.total = total;
        this.deadline = deadline;
    }

    /** A context for running a job directly on {@code client}, outside a runner (domain tests, tools). */
    public static SyncContext direct(Clock clock, KlaviyoClient client) {
        return new SyncContext(clock, () -> client, n -> { }, n -> { }, Optional.empty());
    }

    public Clock clock() {
        return clock;
    }

    /**
     * This run's Klaviyo client, made on first use for the request's account or key (a 400 naming
     * {@code klaviyoApiKey} when there is none). The runner reports the calls it made.
     */
    public KlaviyoClient klaviyo() {
        if (client == null) {
            client = clients.get();
        }
        return client;
    }

    /** Tells whoever watches (a progress bar) how many records were read so far. */
    public void progress(long records) {
        progress.accept(records);
    }

    /** Tells whoever watches what {@link #progress} will count up to, once the job knows (its plan's calls). */
    public void expect(long totalCount) {
        total.accept(totalCount);
    }

    public void cap(String field, String effect) {
        caps.add(new Cap(field, effect));
    }

    public void plan(String decision, String chosen, String reason) {
        plans.add(new PlanChoice(decision, chosen, reason));
    }

    /** Fails the run with 504 {@code deadline_exceeded} once the deadline has passed; the sink asks every row. */
    public void checkDeadline() {
        if (deadline.isPresent() && clock.instant().isAfter(deadline.get())) {
            throw new KsyncException(ErrorKind.DEADLINE, "deadline_exceeded", "The run passed its deadline ("
                    + deadline.get() + ") and was stopped; nothing was stored. Narrow the request or raise"
                    + " KSYNC_MAX_DURATION_S.", Map.of("deadline", deadline.get().toString()));
        }
    }

    Optional<KlaviyoClient> clientIfUsed() {
        return Optional.ofNullable(client);
    }

    public List<Cap> caps() {
        return List.copyOf(caps);
    }

    public List<PlanChoice> plans() {
        return List.copyOf(plans);
    }
}
