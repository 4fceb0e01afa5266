package dev.ksync.cli;

import dev.ksync.accounts.AccountId;
import dev.ksync.app.Ksync;
import dev.ksync.audience.AudienceSchema;
import dev.ksync.config.AppConfig;
import dev.ksync.orchestrator.UpdateAnswer;
import dev.ksync.orchestrator.UpdateRequest;
import dev.ksync.request.Choices;
import dev.ksync.sync.Mode;
import java.io.PrintStream;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ksync update}: the dashboard update of one account, a progress line per producer, the answer as JSON. */
@Command(name = "update", description = "Produce flows.csv, campaigns.csv and subscribers.csv for an account, store them"
        + " in the ingest bucket and make a snapshot (live), or preview them (dry-run). An account with a ready snapshot"
        + " fetches only the last KSYNC_PATCH_DAYS days again.")
public final class UpdateCommand extends EnvCommand {
    @Option(names = "--mode", description = "dry-run | live (default dry-run)") String mode;
    @Option(names = "--account-id", description = "The account (required for live)") String accountId;
    @Option(names = "--days", description = "flows.csv window: the last N days, 1..30 (default 30)") Integer days;
    @Option(names = "--timeframe-key", description = "campaigns.csv window, e.g. last_7_days (default last_30_days)")
    String timeframeKey;
    @Option(names = "--fast", description = "Validation mode: one flow and message, header-only subscribers")
    boolean fast;
    @Option(names = "--audience-schema", description = "minimal | extended | required (default minimal)")
    String audienceSchema;
    @Option(names = "--idempotency-key", description = "Run once per key; a repeat prints the first answer")
    String idempotencyKey;

    public UpdateCommand() {}

    UpdateCommand(Map<String, String> env, PrintStream stdout) {
        super(env, stdout);
    }

    @Override
    public Integer call() {
        UpdateRequest req = new UpdateRequest(
                mode == null ? Mode.DRY_RUN : Choices.parse("--mode", Mode.class, mode),
                Optional.ofNullable(accountId).map(a -> AccountId.of("--account-id", a)), Optional.ofNullable(days),
                Optional.ofNullable(timeframeKey), fast, Optional.ofNullable(idempotencyKey),
                audienceSchema == null ? null : Choices.parse("--audience-schema", AudienceSchema.class, audienceSchema),
                Optional.empty());
        // a dry run reads Klaviyo too
        AppConfig config = KlaviyoEnable.require(AppConfig.load(env), "ksync update");
        working("update", req.accountId());
        Progress.UpdateBars bars = new Progress.UpdateBars();
        try (Ksync ksync = Ksync.start(config)) {
            UpdateAnswer a = ksync.orchestrator().run(req, bars);
            bars.done();
            if (a.replayed()) {
                System.err.println("ksync: idempotency key already done; its first answer follows");
            }
            stdout.println(a.text());
        }
        return 0;
    }
}
