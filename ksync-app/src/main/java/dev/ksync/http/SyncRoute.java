package dev.ksync.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ksync.sync.Format;
import dev.ksync.sync.Mode;
import dev.ksync.sync.SyncJob;
import dev.ksync.sync.SyncReport;
import dev.ksync.sync.SyncRequest;
import dev.ksync.sync.SyncRunner;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One sync's {@code POST} route, declared: its path, its body (the fields it allows and how they become a request),
 * its job and the bucket of its live runs, and its answer. Every sync route runs the same way: the gates, the body,
 * the {@link SyncRunner} (live: the stored object's answer; dry-run CSV: the file, streamed; dry-run JSON: the
 * summary and preview).
 *
 * @param gatedWork null when every run reaches Klaviyo (admin secret from the headers, KLAVIYO_ENABLE before the
 *                  body is read); else which bodies ask for work that reaches Klaviyo or storage, the others being
 *                  open (decided before the rest of the body is checked)
 */
record SyncRoute<R extends SyncRequest, D>(
        String path,
        Predicate<ObjectNode> gatedWork,
        Set<String> fields,
        Function<ObjectNode, R> parser,
        Function<R, Format> format,
        SyncJob<R, D> job,
        String bucket,
        BiFunction<R, SyncReport<D>, ?> answer) {

    /** A sync whose every run reaches Klaviyo. */
    static <R extends SyncRequest, D> SyncRoute<R, D> gated(String path, Set<String> fields,
            Function<ObjectNode, R> parser, Function<R, Format> format, SyncJob<R, D> job, String bucket,
            BiFunction<R, SyncReport<D>, ?> answer) {
        return new SyncRoute<>(path, null, fields, parser, format, job, bucket, answer);
    }

    /** A sync open for work that touches neither Klaviyo nor storage; {@code gatedWork} says which work does. */
    static <R extends SyncRequest, D> SyncRoute<R, D> gatedWhen(Predicate<ObjectNode> gatedWork, String path,
            Set<String> fields, Function<ObjectNode, R> parser, Function<R, Format> format, SyncJob<R, D> job,
            String bucket, BiFunction<R, SyncReport<D>, ?> answer) {
        return new SyncRoute<>(path, gatedWork, fields, parser, format, job, bucket, answer);
    }

    void register(ApiRoutes routes, SyncRunner runner, AdminGate gate, JsonBodies bodies) {
        routes.post(path, gatedWork == null ? Access.ADMIN : Access.ADMIN_FOR_GATED_WORK,
                ctx -> handle(ctx, runner, gate, bodies));
    }

    private void handle(Context ctx, SyncRunner runner, AdminGate gate, JsonBodies bodies) throws IOException {
        if (gatedWork == null) {
            gate.requireKlaviyoEnabled();
        }
        ObjectNode body = bodies.object(ctx, fields);
        if (gatedWork != null && gatedWork.test(body)) {
            gate.requireKlaviyoEnabled();
            gate.requireSecret(ctx);
        }
        R req = parser.apply(body);
        SyncRunner.Options options = SyncRunner.Options.NONE;
        if (req.mode() == Mode.LIVE) {
            ctx.json(answer.apply(req, runner.live(job, req, bucket, options)));
        } else if (format.apply(req) == Format.CSV) {
            ctx.contentType("text/csv; charset=utf-8");
            ctx.header("Content-Disposition", "attachment; filename=\"" + job.fileName() + "\"");
            try (OutputStream out = ctx.outputStream()) {
                runner.export(job, req, out, options);
            }
        } else {
            ctx.json(answer.apply(req, runner.export(job, req, OutputStream.nullOutputStream(), options)));
        }
    }
}
