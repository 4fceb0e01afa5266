package dev.ksync.ingest;

import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.klaviyo.error.Blame;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one {@link Ingestion#runAll} did: a report per account it ran, and the accounts whose run could not start (no
 * usable key, the database away) with why. A round with neither ran nothing: there was no account to ingest.
 *
 * @param refused account id → why its run did not start
 */
public record IngestRound(String mode, List<IngestReport> reports, Map<String, String> refused) {
    public IngestRound {
        reports = List.copyOf(reports);
        refused = Collections.unmodifiableMap(new TreeMap<>(refused));
    }

    /** True when any account's run failed, whole or in part (the others ran all the same). */
    public boolean failed() {
        return !failures().isEmpty();
    }

    /** The accounts whose run failed, by id. */
    public List<String> failedAccounts() {
        return List.copyOf(failures().keySet());
    }

    /** A failed round's headline: each failed account with why, and how many accounts there were. */
    public String failureMessage() {
        Map<String, String> failures = failures();
        List<String> each = new ArrayList<>();
        failures.forEach((account, why) -> each.add(account + ": " + why));
        int all = reports.size() + refused.size();
        return "Raw ingestion (" + mode + ") failed for " + failures.size() + " of " + all + " account(s)"
                + (failures.size() < all ? " (the others loaded)" : "") + ": " + String.join("; ", each);
    }

    /**
     * A failed round as the scheduled ingestion's error ({@code ingest_failed}), empty when it did not fail. It is the
     * user's move (not retried: nothing changes until the user acts) when every failed account failed only for the
     * user's reasons (a rejected key); any other failure (Klaviyo or the database away, a run that could not start)
     * makes it worth retrying, not before the latest time one of those failures said it may clear (its
     * {@link KsyncException#retryAt()}: a 429's Retry-After), as a retry any sooner would fail again on it.
     */
    public Optional<KsyncException> error() {
        if (!failed()) return Optional.empty();
        boolean users = refused.isEmpty() && reports.stream().filter(IngestReport::failed)
                .allMatch(r -> r.failure().equals(Optional.of(IngestReport.Failure.USER)));
        Optional<Instant> retryAt = reports.stream().flatMap(r -> r.datasources().stream())
                .filter(d -> d.failed() && d.failure() != IngestReport.Failure.USER && d.retryAt() != null)
                .map(IngestReport.Result::retryAt).max(Comparator.naturalOrder());
        return Optional.of(new KsyncException(ErrorKind.UPSTREAM, users ? Blame.USER : Blame.EXTERNAL, "ingest_failed",
                failureMessage(), Map.of("accounts", failedAccounts()), retryAt, null));
    }

    private Map<String, String> failures() {
        Map<String, String> failures = new TreeMap<>(refused);
        reports.stream().filter(IngestReport::failed).forEach(r -> failures.put(r.accountId(), r.failureMessage()));
        return failures;
    }
}
