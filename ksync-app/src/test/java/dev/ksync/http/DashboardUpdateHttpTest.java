package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.NamedCsvRecord;
import dev.ksync.accounts.AccountId;
import dev.ksync.orchestrator.UpdateAnswer;
import dev.ksync.orchestrator.UpdateRequest;
import dev.ksync.sandbox.FaultKind;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.snapshot.Snapshot;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Nightly Orchestrator runbook's example GETs as written, the snapshot they make, idempotency under repeats and
 * concurrency, a failing producer, and the cost of a nightly patch, against a sandbox (calls counted on its side).
 */
class DashboardUpdateHttpTest {
    private static final String SECRET = "orchestrator-secret";
    private static final ObjectMapper json = new ObjectMapper();

    @RegisterExtension
    static final TestRig rig = TestRig.api().secret(SECRET).sandbox(
            SandboxOptions.defaults().withProfiles(400).withRateLimits(RateLimitMode.scaled(60))).env("KLAVIYO_RATE_SCALE", "60");

    @Test
    void runbook_dry_run_fast_answers_row_counts_and_header_previews() throws Exception {
        HttpResponse<String> r = rig.server().get("/api/dashboard/update?mode=dry-run&fast=1&days=7&token=" + SECRET
                + "&idempotency=dry-fast-1", null);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode a = json.readTree(r.body());
        assertThat(a.path("rows").path("flows").asLong()).isPositive();
        assertThat(a.path("rows").path("campaigns").asLong()).isZero();
        assertThat(a.path("rows").path("subscribers").asLong()).isZero();
        assertThat(a.path("previews").path("flows").get(0).asText()).startsWith("Day,Flow ID,Flow Name");
        assertThat(a.path("previews").path("flows").size()).isGreaterThan(1);
        assertThat(a.path("previews").path("campaigns").get(0).asText()).startsWith("Day,Campaign ID");
        assertThat(a.path("previews").path("subscribers").get(0).asText()).startsWith("Email,Klaviyo ID");
    }

    @Test
    void runbook_live_narrow_window_stores_three_csvs_and_a_ready_snapshot_whose_totals_are_their_sums()
            throws Exception {
        HttpResponse<String> r = rig.server().get("/api/dashboard/update?mode=live&accountId=acme&days=7"
                + "&timeframeKey=last_7_days&token=" + SECRET, null);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode a = json.readTree(r.body());
        assertThat(a.path("accountId").asText()).isEqualTo("acme");
        String upload = a.path("uploadId").asText();
        long snapshotId = a.path("snapshotId").asLong();
        assertThat(a.path("keys").path("flows").asText()).isEqualTo(upload + "/flows.csv");
        assertThat(a.path("keys").path("subscribers").asText()).isEqualTo(upload + "/subscribers.csv");
        assertThat(a.path("rows").path("subscribers").asLong()).isPositive();
        assertThat(a.has("durationMs")).isTrue();

        List<NamedCsvRecord> flows = csv(upload + "/flows.csv"), campaigns = csv(upload + "/campaigns.csv");
        assertThat(flows).hasSize(a.path("rows").path("flows").asInt());
        long delivered = sum(flows, "Delivered") + sum(campaigns, "Delivered");
        long opens = sum(flows, "Unique Opens") + sum(campaigns, "Unique Opens");
        long unsubs = flows.stream().mapToLong(f -> rateCount(f, "Unsub Rate")).sum() + sum(campaigns, "Unsubscribes");
        BigDecimal revenue = money(flows).add(money(campaigns));

        HttpResponse<String> s = rig.server().get("/api/snapshots/" + snapshotId, SECRET);
        assertThat(s.statusCode()).as(s.body()).isEqualTo(200);
        JsonNode snap = json.readTree(s.body());
        assertThat(snap.path("status").asText()).isEqualTo("ready");
        JsonNode all = snap.path("totals").path("all");
        assertThat(all.path("delivered").asLong()).isEqualTo(delivered);
        assertThat(all.path("uniqueOpens").asLong()).isEqualTo(opens);
        assertThat(all.path("unsubscribes").asLong()).isEqualTo(unsubs);
        assertThat(all.path("revenue").decimalValue()).isEqualByComparingTo(revenue);
        assertThat(all.path("openRate").decimalValue()).isEqualByComparingTo(
                BigDecimal.valueOf(opens).divide(BigDecimal.valueOf(delivered), 6, RoundingMode.HALF_UP));
        assertThat(all.path("subscribersTotal").asLong()).isEqualTo(a.path("rows").path("subscribers").asLong());
        assertThat(snap.path("series").path("flows").size()).isPositive();

        // the same GET again (same day, default key nightly-YYYY-MM-DD): the first answer byte for byte, no work
        HttpResponse<String> again = rig.server().get("/api/dashboard/update?mode=live&accountId=acme&days=7"
                + "&timeframeKey=last_7_days&token=" + SECRET, null);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(r.body());
        assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(rig.server().ksync.snapshots().list(new AccountId("acme"))).hasSize(1);
        // the day's key with other parameters (another cron GET, or the schedule's nightly with the account's own
        // options): the day's update is done, so it is replayed, never refused (a refusal failed that day's nightly)
        HttpResponse<String> other = rig.server().get("/api/dashboard/update?mode=live&accountId=acme&days=3"
                + "&token=" + SECRET, null);
        assertThat(other.statusCode()).as(other.body()).isEqualTo(200);
        assertThat(other.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(other.body()).isEqualTo(r.body());
        // a dry run may not take the day's key: its answer would be replayed to the day's live runs
        HttpResponse<String> dryDayKey = rig.server().get("/api/dashboard/update?mode=dry-run&accountId=acme&fast=1"
                + "&idempotency=" + UpdateRequest.nightlyKey(Instant.now().plusSeconds(86_400)) + "&token=" + SECRET, null);
        assertThat(dryDayKey.statusCode()).as(dryDayKey.body()).isEqualTo(400);
        assertThat(json.readTree(dryDayKey.body()).path("message").asText()).contains("nightly-YYYY-MM-DD");
        UpdateAnswer scheduled = rig.server().ksync.orchestrator().run(UpdateRequest.nightly(new AccountId("acme"),
                Instant.now()));
        assertThat(scheduled.status()).as(scheduled.text()).isEqualTo(200);
        assertThat(scheduled.replayed()).isTrue();
        assertThat(rig.server().ksync.snapshots().list(new AccountId("acme"))).hasSize(1);

        // a nightly of an account with a ready snapshot patches the recent days: at most 2 report calls
        rig.sandbox().resetStats();
        HttpResponse<String> nightly = rig.server().get("/api/dashboard/update?accountId=acme&idempotency=second-night"
                + "&token=" + SECRET, null);
        assertThat(nightly.statusCode()).as(nightly.body()).isEqualTo(200);
        JsonNode n = json.readTree(nightly.body());
        assertThat(n.path("patch").path("basedOn").asLong()).isEqualTo(snapshotId);
        long reportCalls = rig.sandbox().stats().get("pk_sandbox").entrySet().stream()
                .filter(e -> e.getKey().startsWith("query_flow") || e.getKey().startsWith("query_campaign"))
                .mapToLong(e -> e.getValue().requests()).sum();
        assertThat(reportCalls).isLessThanOrEqualTo(2);
        assertThat(n.path("reportCalls").asLong()).isEqualTo(reportCalls);
        JsonNode patched = json.readTree(rig.server().get("/api/snapshots/" + n.path("snapshotId").asLong(), SECRET).body());
        assertThat(patched.path("status").asText()).isEqualTo("ready");
        // days before the window are carried over from the base snapshot
        assertThat(patched.path("series").path("flows").get(0)).isEqualTo(snap.path("series").path("flows").get(0));
        // a key of the caller's own with other parameters is a mistake
        String own = "/api/dashboard/update?mode=live&accountId=acme&days=3&idempotency=acme-own"
                + "&token=" + SECRET;
        assertThat(rig.server().get(own, null).statusCode()).isEqualTo(200);
        HttpResponse<String> reused = rig.server().get(own.replace("days=3", "days=2"), null);
        assertThat(reused.statusCode()).isEqualTo(422);
        assertThat(json.readTree(reused.body()).path("error").asText()).isEqualTo("idempotency_key_reused");
    }

    @Test
    void an_explicit_patch_of_a_nightly_patch_snapshot_may_replace_only_the_days_its_upload_holds() throws Exception {
        HttpResponse<String> first = rig.server().get("/api/dashboard/update?accountId=patchy&idempotency=patchy-1"
                + "&token=" + SECRET, null);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        HttpResponse<String> second = rig.server().get("/api/dashboard/update?accountId=patchy&idempotency=patchy-2"
                + "&token=" + SECRET, null);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        JsonNode n = json.readTree(second.body());
        long id = n.path("snapshotId").asLong();
        String start = n.path("patch").path("start").asText(), end = n.path("patch").path("end").asText();
        JsonNode before = json.readTree(rig.server().get("/api/snapshots/" + id, SECRET).body());
        String earlier = java.time.LocalDate.parse(start).minusDays(6).toString();

        HttpResponse<String> wide = rig.server().post("/api/snapshots/process", SECRET,
                "{\"snapshotId\":" + id + ",\"start\":\"" + earlier + "\",\"end\":\"" + end + "\"}");

        assertThat(wide.statusCode()).as(wide.body()).isEqualTo(422);
        JsonNode e = json.readTree(wide.body());
        assertThat(e.path("error").asText()).isEqualTo("patch_outside_upload");
        assertThat(e.path("message").asText()).contains(start + ".." + end);
        assertThat(e.path("details").path("field").asText()).isEqualTo("start");
        assertThat(e.path("details").path("value").asText()).isEqualTo(earlier);
        assertThat(e.path("details").path("allowedStart").asText()).isEqualTo(start);
        assertThat(e.path("details").path("allowedEnd").asText()).isEqualTo(end);
        JsonNode after = json.readTree(rig.server().get("/api/snapshots/" + id, SECRET).body());
        assertThat(after.path("series")).isEqualTo(before.path("series"));
        assertThat(after.path("totals")).isEqualTo(before.path("totals"));

        // the days it holds: as before, and twice leaves the same rows
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> inside = rig.server().post("/api/snapshots/process", SECRET,
                    "{\"snapshotId\":" + id + ",\"start\":\"" + start + "\",\"end\":\"" + end + "\"}");
            assertThat(inside.statusCode()).as(inside.body()).isEqualTo(200);
            assertThat(json.readTree(inside.body()).path("series")).isEqualTo(before.path("series"));
            assertThat(json.readTree(inside.body()).path("totals")).isEqualTo(before.path("totals"));
        }
    }

    @Test
    void a_dry_run_GET_without_a_key_leaves_the_days_nightly_key_to_the_live_GET_and_the_schedule() throws Exception {
        AccountId dawn = new AccountId("dawn");
        String dryRun = "/api/dashboard/update?mode=dry-run&fast=1&days=7&accountId=dawn&token=" + SECRET;
        HttpResponse<String> dry = rig.server().get(dryRun, null);
        assertThat(dry.statusCode()).as(dry.body()).isEqualTo(200);

        HttpResponse<String> live = rig.server().get("/api/dashboard/update?accountId=dawn&token=" + SECRET, null);

        assertThat(live.statusCode()).as(live.body()).isEqualTo(200);
        assertThat(live.headers().firstValue("Idempotent-Replayed")).isEmpty();
        long snapshotId = json.readTree(live.body()).path("snapshotId").asLong();
        assertThat(rig.server().ksync.snapshots().list(dawn)).singleElement()
                .satisfies(s -> assertThat(s.id()).isEqualTo(snapshotId))
                .satisfies(s -> assertThat(s.status()).isEqualTo(Snapshot.Status.READY));
        // the schedule's nightly run of the account claims the same key with the same parameters: a replay
        UpdateAnswer nightly = rig.server().ksync.orchestrator().run(UpdateRequest.nightly(dawn, Instant.now()));
        assertThat(nightly.status()).as(nightly.text()).isEqualTo(200);
        assertThat(nightly.replayed()).isTrue();
        assertThat(nightly.text()).isEqualTo(live.body());
        assertThat(rig.server().ksync.snapshots().list(dawn)).hasSize(1);
        HttpResponse<String> dryAgain = rig.server().get(dryRun, null);
        assertThat(dryAgain.statusCode()).isEqualTo(200);
        assertThat(dryAgain.headers().firstValue("Idempotent-Replayed")).as("no key, so a run of its own").isEmpty();
    }

    @Test
    void a_dry_run_with_its_own_key_still_claims_it() throws Exception {
        String path = "/api/dashboard/update?mode=dry-run&fast=1&days=7&idempotency=dry-own-key&token=" + SECRET;
        HttpResponse<String> first = rig.server().get(path, null);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);

        HttpResponse<String> again = rig.server().get(path, null);

        assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(again.body()).isEqualTo(first.body());
    }

    @Test
    void twenty_concurrent_calls_with_one_key_make_exactly_one_snapshot() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<Future<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(pool.submit(() -> rig.server().send(HttpRequest.newBuilder(rig.server().uri("/api/dashboard/update"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"mode\":\"live\",\"accountId\":\"crowd\",\"days\":3}"))
                    .header("content-type", "application/json").header("x-admin-job-secret", SECRET)
                    .header("x-idempotency-key", "crowd-key"))));
        }
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (Future<HttpResponse<String>> f : calls) {
            answers.add(f.get());
        }
        pool.shutdown();

        assertThat(answers).allSatisfy(a -> assertThat(a.statusCode()).as(a.body()).isIn(200, 409));
        List<String> ok = answers.stream().filter(a -> a.statusCode() == 200).map(HttpResponse::body).distinct().toList();
        assertThat(ok).hasSize(1);
        assertThat(rig.server().ksync.snapshots().list(new AccountId("crowd"))).hasSize(1);
        HttpResponse<String> after = rig.server().post("/api/dashboard/update", SECRET,
                "{\"mode\":\"live\",\"accountId\":\"crowd\",\"days\":3}");
        assertThat(after.statusCode()).isEqualTo(200); // no key: a new run
        HttpResponse<String> replay = rig.server().send(HttpRequest.newBuilder(rig.server().uri("/api/dashboard/update"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"mode\":\"live\",\"accountId\":\"crowd\",\"days\":3}"))
                .header("content-type", "application/json").header("x-admin-job-secret", SECRET)
                .header("x-idempotency-key", "crowd-key"));
        assertThat(replay.body()).isEqualTo(ok.get(0));
    }

    @Test
    void a_failing_producer_answers_502_naming_it_leaves_no_ready_snapshot_and_a_rerun_with_the_key_succeeds()
            throws Exception {
        // every attempt the client makes at the flow report fails
        rig.sandbox().injectFaults(FaultKind.ERROR_500, 6, "query_flow_series");
        String path = "/api/dashboard/update?mode=live&accountId=faulty&days=3&idempotency=fault-key&token=" + SECRET;
        HttpResponse<String> r = rig.server().get(path, null);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
        JsonNode e = json.readTree(r.body());
        assertThat(e.path("details").path("producer").asText()).isEqualTo("flows");
        assertThat(e.path("details").path("klaviyoStatus").asInt()).isEqualTo(500);
        assertThat(e.path("message").asText()).contains("flows");
        List<Snapshot> made = rig.server().ksync.snapshots().list(new AccountId("faulty"));
        assertThat(made).isNotEmpty().allSatisfy(s -> assertThat(s.status()).isEqualTo(Snapshot.Status.FAILED));
        assertThat(rig.server().ksync.snapshots().series(made.get(0).id())).isEmpty();

        rig.sandbox().clearFaults();
        HttpResponse<String> rerun = rig.server().get(path, null);
        assertThat(rerun.statusCode()).as(rerun.body()).isEqualTo(200);
        assertThat(rig.server().ksync.snapshots().newestReady(new AccountId("faulty"))).isPresent();
    }

    @Test
    void a_snapshot_left_created_by_an_update_that_died_is_marked_failed_by_the_next_update() throws Exception {
        var ksync = rig.server().ksync;
        AccountId account = new AccountId("orphan");
        ksync.accounts().add(account, "Orphan", new dev.ksync.config.Secret(TestRig.SANDBOX_KEY));
        // what a kill -9 between creating the snapshot and processing it leaves: an upload in UTC, a created snapshot
        var deadUpload = ksync.snapshots().createUpload(account, new dev.ksync.store.UploadId("dead-run"), "data-ingest",
                java.time.ZoneOffset.UTC);
        long dead = ksync.snapshots().create(deadUpload, java.util.Optional.empty(), java.util.Optional.empty(),
                java.util.Optional.empty()).id();
        ksync.database().jdbi().useHandle(h -> h.execute(
                "update snapshots set created_at = now() - interval '3 hours' where id = ?", dead));
        // one another update is still making (it holds its snapshot's liveness mark): left alone
        var liveUpload = ksync.snapshots().createUpload(account, new dev.ksync.store.UploadId("running-run"),
                "data-ingest", java.time.ZoneOffset.UTC);
        try (var making = ksync.snapshots().make(liveUpload, java.util.Optional.empty(), java.util.Optional.empty(),
                java.util.Optional.empty())) {
            HttpResponse<String> r = rig.server().get("/api/dashboard/update?mode=live&accountId=orphan&days=3"
                    + "&idempotency=orphan-key&token=" + SECRET, null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

            Snapshot abandoned = ksync.snapshots().get(dead);
            assertThat(abandoned.status()).isEqualTo(Snapshot.Status.FAILED);
            assertThat(abandoned.error()).hasValueSatisfying(e -> assertThat(e).startsWith("abandoned:"));
            assertThat(ksync.snapshots().get(making.snapshot().id()).status()).isEqualTo(Snapshot.Status.CREATED);
        }

        // the dashboard counts days in the ready snapshot's timezone, not in a newer unfinished one's UTC
        ksync.snapshots().create(ksync.snapshots().createUpload(account, new dev.ksync.store.UploadId("newer-run"),
                "data-ingest", java.time.ZoneOffset.UTC), java.util.Optional.empty(), java.util.Optional.empty(),
                java.util.Optional.empty());
        HttpResponse<String> dash = rig.server().get("/api/accounts/orphan/dashboard", SECRET);
        assertThat(dash.statusCode()).as(dash.body()).isEqualTo(200);
        JsonNode d = json.readTree(dash.body());
        assertThat(d.path("timezone").asText()).isEqualTo(rig.sandbox().data().timezone().getId());
    }

    @Test
    void live_without_account_is_a_400_and_a_wrong_token_a_401() throws Exception {
        assertThat(rig.server().get("/api/dashboard/update?mode=live&token=" + SECRET, null).statusCode()).isEqualTo(400);
        assertThat(rig.server().get("/api/dashboard/update?mode=live&accountId=a&days=31&token=" + SECRET, null)
                .statusCode()).isEqualTo(400);
        assertThat(rig.server().get("/api/dashboard/update?mode=dry-run&token=wrong", null).statusCode()).isEqualTo(401);
        // fast is the dry run's smoke check: a live snapshot of one flow and no subscribers would reach the dashboard
        HttpResponse<String> fastLive = rig.server().get("/api/dashboard/update?mode=live&accountId=a&fast=1&token="
                + SECRET, null);
        assertThat(fastLive.statusCode()).isEqualTo(400);
        assertThat(json.readTree(fastLive.body()).path("details").path("field").asText()).isEqualTo("fast");
        assertThat(rig.server().ksync.snapshots().list(new AccountId("a"))).isEmpty();
        HttpResponse<String> unknown = rig.server().get("/api/dashboard/update?mode=dry-run&bogus=1&token=" + SECRET, null);
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(json.readTree(unknown.body()).path("error").asText()).isEqualTo("unknown_parameter");
        assertThat(unknown.body()).contains("bogus").contains("timeframeKey");
    }

    private static List<NamedCsvRecord> csv(String key) throws Exception {
        String bucket = rig.server().ksync.config().storage().buckets().dataIngest();
        try (InputStream in = rig.server().ksync.objectStore().get(bucket, key).orElseThrow()) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            List<NamedCsvRecord> rows = new ArrayList<>();
            CsvReader.builder().ofNamedCsvRecord(text).forEach(rows::add);
            return rows;
        }
    }

    private static long sum(List<NamedCsvRecord> rows, String column) {
        return rows.stream().map(r -> r.getField(column)).filter(v -> !v.isEmpty()).mapToLong(Long::parseLong).sum();
    }

    private static long rateCount(NamedCsvRecord r, String rate) {
        String v = r.getField(rate);
        return v.isEmpty() ? 0 : new BigDecimal(v).multiply(new BigDecimal(r.getField("Delivered")))
                .setScale(0, RoundingMode.HALF_UP).longValue();
    }

    private static BigDecimal money(List<NamedCsvRecord> rows) {
        return rows.stream().map(r -> r.getField("Revenue")).filter(v -> !v.isEmpty()).map(BigDecimal::new)
                .reduce(BigDecimal.ZERO, BigDecimal::add);
    }
}
