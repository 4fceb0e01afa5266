package dev.ksync.sync;

import dev.ksync.klaviyo.stats.CallStats;
import dev.ksync.store.StoredObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a run did: measured by the runner (rows, preview, the stored object, Klaviyo calls by operation, budget
 * wait, duration), told by the job through its context (caps, plan choices) and returned by it ({@code details}).
 *
 * @param csvPreview   the header and the first rows, one string per line
 * @param stored       the object a live run stored (or found already stored, byte for byte)
 * @param klaviyoCalls the run's own calls, when it used Klaviyo
 */
public record SyncReport<D>(
        String job,
        Mode mode,
        long rows,
        List<String> csvPreview,
        Optional<StoredObject> stored,
        Optional<CallStats> klaviyoCalls,
        Duration budgetWait,
        List<Cap> caps,
        List<PlanChoice> plans,
        Duration duration,
        D details) {
    public SyncReport {
        Objects.requireNonNull(job, "job is null");
        Objects.requireNonNull(mode, "mode is null");
        csvPreview = List.copyOf(csvPreview);
        Objects.requireNonNull(stored, "stored is null");
        Objects.requireNonNull(klaviyoCalls, "klaviyoCalls is null");
        Objects.requireNonNull(budgetWait, "budgetWait is null");
        caps = List.copyOf(caps);
        plans = List.copyOf(plans);
        Objects.requireNonNull(duration, "duration is null");
    }

    /**
     * What the runner measured, spelled as an answer's {@code diagnostics}: Klaviyo calls by operation (each with
     * its 429s, retries and budget wait), the total budget wait, the caps and plan choices the job reported, the
     * duration.
     */
    public Map<String, Object> measured() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("klaviyoCalls", klaviyoCalls.orElse(null));
        m.put("budgetWaitMs", budgetWait.toMillis());
        m.put("caps", caps);
        m.put("plans", plans);
        m.put("durationMs", duration.toMillis());
        return m;
    }

    SyncReport<D> withStored(StoredObject object) {
        return new SyncReport<>(job, mode, rows, csvPreview, Optional.of(object), klaviyoCalls, budgetWait, caps, plans,
                duration, details);
    }
}
