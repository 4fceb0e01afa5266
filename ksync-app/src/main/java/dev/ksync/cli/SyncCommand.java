package dev.ksync.cli;

import dev.ksync.app.Ksync;
import dev.ksync.config.AppConfig;
import dev.ksync.sync.SyncJob;
import dev.ksync.sync.SyncReport;
import dev.ksync.sync.SyncRequest;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A sync command: its own options make the request, the {@link SyncOptions} mixin the shared ones, and every sync
 * runs one way ({@link SyncOutput}). A command declares its job, bucket, progress
 * and answer, and reads its own options into its request.
 */
abstract class SyncCommand<R extends SyncRequest, D> extends EnvCommand {
    @Mixin SyncOptions sync;
    @Spec CommandSpec spec;

    private final String work;
    private final Function<Ksync, SyncJob<R, D>> job;
    private final Function<AppConfig.Buckets, String> bucket;
    private final BiFunction<R, AppConfig, Progress> progress;
    private final BiFunction<R, SyncReport<D>, ?> answer;

    /**
     * @param env      what the command reads instead of the process environment (tests)
     * @param stdout   where it prints (tests)
     * @param work     what its failure line calls its work on an account, e.g. {@code flow sync}
     * @param bucket   where a live run stores
     * @param answer   the JSON printed for a live run or a dry-run with {@code --format json}
     */
    SyncCommand(Map<String, String> env, PrintStream stdout, String work, Function<Ksync, SyncJob<R, D>> job,
            Function<AppConfig.Buckets, String> bucket, BiFunction<R, AppConfig, Progress> progress,
            BiFunction<R, SyncReport<D>, ?> answer) {
        super(env, stdout);
        this.work = work;
        this.job = job;
        this.bucket = bucket;
        this.progress = progress;
        this.answer = answer;
    }

    /** The options as a request; a bad value names its option. */
    abstract R request();

    /** Whether {@code req} reaches Klaviyo or writes storage, so needs KLAVIYO_ENABLE (a report sync always does). */
    boolean gated(R req) {
        return true;
    }

    @Override
    public final Integer call() throws IOException {
        R req = request();
        AppConfig config = AppConfig.load(env);
        if (gated(req)) {
            KlaviyoEnable.require(config, "ksync " + spec.name());
        }
        working(work, req.accountId());
        try (Ksync ksync = Ksync.start(config)) {
            Progress shown = progress.apply(req, ksync.config());
            SyncOutput.run(ksync, job.apply(ksync), req, sync.format(), bucket.apply(ksync.config().storage().buckets()),
                    sync.out, stdout, shown, r -> answer.apply(req, r));
        }
        return 0;
    }
}
