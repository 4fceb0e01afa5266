package dev.ksync.orchestrator;

import dev.ksync.accounts.AccountId;
import dev.ksync.audience.AudienceSchema;
import dev.ksync.config.Secret;
import dev.ksync.error.KsyncException;
import dev.ksync.reporting.WindowSpec;
import dev.ksync.sync.Mode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A validated dashboard update (the Nightly Orchestrator runbook's parameters). Every door builds one: the HTTP
 * routes from query and body, {@code ksync update} from its options, the nightly task with {@link #nightly}.
 *
 * @param days           flows.csv's window, the last N whole days (1..30); default 30
 * @param timeframeKey   campaigns.csv's Klaviyo timeframe; default last_30_days
 * @param fast           the runbook's validation mode, dry runs only: one flow, one message, no name walks, and
 *                       campaigns and subscribers skipped (headers only)
 * @param idempotencyKey claimed before any work, in the account's key space
 * @param klaviyoApiKey  the producers' key when {@code accountId} names no registered account (a registered
 *                       account's own key wins), as in the sync requests; not among the parameters a repeated
 *                       idempotency key must match ({@link #fingerprint}), so it is never stored
 */
public record UpdateRequest(Mode mode, Optional<AccountId> accountId, Optional<Integer> days,
        Optional<String> timeframeKey, boolean fast, Optional<String> idempotencyKey, AudienceSchema audienceSchema,
        Optional<Secret> klaviyoApiKey) {
    public static final int MAX_DAYS = 30;
    public static final int MAX_KEY_LENGTH = 255;

    public UpdateRequest {
        Objects.requireNonNull(mode, "mode is null");
        accountId = accountId == null ? Optional.empty() : accountId;
        days = days == null ? Optional.empty() : days;
        timeframeKey = timeframeKey == null ? Optional.empty() : timeframeKey;
        idempotencyKey = idempotencyKey == null ? Optional.empty() : idempotencyKey;
        audienceSchema = audienceSchema == null ? AudienceSchema.MINIMAL : audienceSchema;
        klaviyoApiKey = klaviyoApiKey == null ? Optional.empty() : klaviyoApiKey.filter(k -> !k.value().isBlank());
        if (mode == Mode.LIVE && accountId.isEmpty()) {
            throw KsyncException.badInput("accountId", null, "an account id for live runs (" + AccountId.ALLOWED
                    + "); the snapshot belongs to it");
        }
        if (mode == Mode.LIVE && fast) {
            // its one flow and header-only subscribers.csv would become the account's snapshot (or patch one flow
            // over every flow of the window), and the dashboard would count them
            throw KsyncException.badInput("fast", true, "false for live runs: fast is the dry run's validation mode"
                    + " (one flow, one message, no subscribers); run it with mode dry-run");
        }
        days.ifPresent(d -> {
            if (d < 1 || d > MAX_DAYS) {
                throw KsyncException.badInput("days", d, "a whole number from 1 to " + MAX_DAYS);
            }
        });
        timeframeKey.ifPresent(WindowSpec::key); // a 400 naming timeframeKey when Klaviyo has no such key
        idempotencyKey.ifPresent(k -> {
            if (k.isEmpty() || k.length() > MAX_KEY_LENGTH || k.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
                throw KsyncException.badInput("idempotencyKey", k.length() > 40 ? k.substring(0, 40) + "…" : k,
                        "1-" + MAX_KEY_LENGTH + " printable ASCII characters without spaces");
            }
            if (mode != Mode.LIVE && NIGHTLY_KEY.matcher(k).matches()) {
                // the day's key is replayed to any live run of the day: a dry run's answer must never be the one
                throw KsyncException.badInput("idempotencyKey", k, "for a dry run, a key not of the form"
                        + " nightly-YYYY-MM-DD (those stand for the account's live update of the day), or none");
            }
        });
    }

    /** The key a cron run claims when it names none: one nightly update per account and UTC day. */
    public static String nightlyKey(Instant now) {
        return "nightly-" + LocalDate.ofInstant(now, ZoneOffset.UTC);
    }

    private static final Pattern NIGHTLY_KEY = Pattern.compile("nightly-\\d{4}-\\d{2}-\\d{2}");

    /**
     * Whether the key is a day's nightly key, which stands for the account's one update of that day whichever run
     * claims it first (the built-in schedule, or a cron GET with its own parameters): once done, the others replay it.
     */
    boolean claimsTheDay() {
        return mode == Mode.LIVE && idempotencyKey.filter(k -> NIGHTLY_KEY.matcher(k).matches()).isPresent();
    }

    /**
     * The scheduled nightly run of an account: live, with the account's own options, claiming
     * {@code nightly-YYYY-MM-DD} (UTC) in its key space, so however often the schedule fires and on however many
     * nodes, the account gets one nightly snapshot a day.
     */
    public static UpdateRequest nightly(AccountId account, Optional<Integer> days, Optional<String> timeframeKey,
            AudienceSchema audienceSchema, Instant now) {
        return new UpdateRequest(Mode.LIVE, Optional.of(account), days, timeframeKey, false,
                Optional.of(nightlyKey(now)), audienceSchema, Optional.empty());
    }

    public static UpdateRequest nightly(AccountId account, Instant now) {
        return nightly(account, Optional.empty(), Optional.empty(), AudienceSchema.MINIMAL, now);
    }

    /** The key space of the idempotency key: the account, or "" for requests that name none. */
    String scope() {
        return accountId.map(AccountId::value).orElse("");
    }

    /** The parameters a repeated key must match, as a digest (the key itself excluded). */
    String fingerprint() {
        String canonical = String.join("\n", mode.wireName(), scope(), days.map(String::valueOf).orElse(""),
                timeframeKey.orElse(""), Boolean.toString(fast), audienceSchema.wireName());
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
