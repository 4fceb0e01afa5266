package dev.ksync.audience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ksync.error.ErrorKind;
import dev.ksync.csv.CsvValues;
import dev.ksync.sandbox.data.Profile;
import dev.ksync.sandbox.data.Profiles.EmailState;
import dev.ksync.sandbox.data.SandboxData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Audience sync end to end against the sandbox, checked against the sandbox's own data. */
class AudienceSyncTest {
    private static final int PROFILES = 600;

    @TempDir
    static Path storeRoot;

    static AudienceFixture fx;
    static SandboxData data;

    @BeforeAll
    static void start() {
        fx = new AudienceFixture(PROFILES, storeRoot);
        data = fx.sandbox.data();
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    static List<Profile> all() {
        return IntStream.range(0, data.profileCount()).mapToObj(data::profile).toList();
    }

    static boolean kept(Profile p) {
        return !"UNSUBSCRIBED".equals(p.emailMarketing().consent()) && p.emailMarketing().suppression().isEmpty();
    }

    static final Comparator<Profile> BY_CREATED = Comparator.comparing(Profile::created).thenComparing(Profile::id);

    @Test
    void csv_has_exactly_the_subscribable_profiles_in_created_order() {
        var csv = fx.export("{'source':'klaviyo','schema':'required','sortBy':'created'}");
        List<String> expected = all().stream().filter(AudienceSyncTest::kept).sorted(BY_CREATED).map(Profile::id).toList();
        assertThat(csv.column("Klaviyo ID")).containsExactlyElementsOf(expected);
        assertThat(csv.result().rows()).isEqualTo(expected.size());
        assertThat(csv.header()).containsExactlyElementsOf(AudienceSchema.REQUIRED.headers());
        assertThat(csv.raw()).contains("\r\n");
        // every consent state is met, and never-subscribed profiles and list imports stay
        Map<EmailState, Long> byState = IntStream.range(0, PROFILES).boxed()
                .collect(Collectors.groupingBy(i -> data.profiles().emailState(i), () -> new EnumMap<>(EmailState.class),
                        Collectors.counting()));
        assertThat(byState.keySet()).contains(EmailState.SUBSCRIBED, EmailState.NEVER_SUBSCRIBED, EmailState.LIST_IMPORT,
                EmailState.UNSUBSCRIBED, EmailState.HARD_BOUNCE, EmailState.SPAM_COMPLAINT, EmailState.USER_SUPPRESSED);
        List<String> ids = csv.column("Klaviyo ID");
        for (int i = 0; i < PROFILES; i++) {
            EmailState s = data.profiles().emailState(i);
            boolean shouldStay = switch (s) {
                case SUBSCRIBED, NEVER_SUBSCRIBED, LIST_IMPORT, NO_EMAIL, LIST_SUPPRESSED -> true;
                case UNSUBSCRIBED, HARD_BOUNCE, INVALID_EMAIL, SPAM_COMPLAINT, USER_SUPPRESSED -> false;
            };
            assertThat(ids.contains(data.profiles().id(i))).as("profile %d in state %s", i, s).isEqualTo(shouldStay);
        }
        assertThat(csv.result().diagnostics().profilesScanned()).isEqualTo((long) PROFILES);
    }

    @Test
    void an_unsorted_whole_account_export_pages_slices_in_parallel_and_has_every_kept_profile_once() {
        var csv = fx.export("{'source':'klaviyo','schema':'minimal'}");
        List<String> expected = all().stream().filter(AudienceSyncTest::kept).map(Profile::id).toList();
        assertThat(csv.column("Klaviyo ID")).containsExactlyInAnyOrderElementsOf(expected);
        var calls = csv.result().diagnostics().klaviyoCalls();
        // one cursor would need 6 pages; 8 slices add at most one part-filled page each, plus the oldest-profile lookup
        assertThat(calls.endpoint("get_profiles").calls()).isBetween(7L, 6L + 8 + 1);
    }

    @Test
    void descending_sort_reverses_the_order() {
        var csv = fx.export("{'source':'klaviyo','sortBy':'created','sortDir':'desc'}");
        List<String> expected = all().stream().filter(AudienceSyncTest::kept).sorted(BY_CREATED.reversed())
                .map(Profile::id).toList();
        assertThat(csv.column("Klaviyo ID")).containsExactlyElementsOf(expected);
    }

    @Test
    void every_column_is_mapped_for_a_profile_in_every_consent_state() {
        var csv = fx.export("{'source':'klaviyo','schema':'required','includeSuppressed':true}");
        Map<String, Map<String, String>> rows = csv.rows().stream()
                .collect(Collectors.toMap(r -> r.get("Klaviyo ID"), r -> r));
        assertThat(rows).hasSize(PROFILES);
        Map<EmailState, Integer> sample = new EnumMap<>(EmailState.class);
        for (int i = 0; i < PROFILES; i++) {
            sample.putIfAbsent(data.profiles().emailState(i), i);
        }
        for (var e : sample.entrySet()) {
            Profile p = data.profile(e.getValue());
            Map<String, String> row = rows.get(p.id());
            String state = e.getKey().name();
            assertThat(row.get("Email")).as(state).isEqualTo(Objects.toString(p.email(), ""));
            assertThat(row.get("First Name")).as(state).isEqualTo(Objects.toString(p.firstName(), ""));
            assertThat(row.get("Last Name")).as(state).isEqualTo(Objects.toString(p.lastName(), ""));
            assertThat(row.get("Email Marketing Consent")).as(state).isEqualTo(p.emailMarketing().consent());
            assertThat(row.get("Email Suppressions")).as(state).isEqualTo(p.emailMarketing().suppression().stream()
                    .map(Profile.Suppression::reason).collect(Collectors.joining(";")));
            assertThat(row.get("Email Suppressions Timestamp")).as(state).isEqualTo(CsvValues.timestamp(
                    p.emailMarketing().suppression().stream().map(Profile.Suppression::timestamp)
                            .min(Comparator.naturalOrder()).orElse(null)));
            assertThat(row.get("Profile Created On")).as(state).isEqualTo(CsvValues.timestamp(p.created()))
                    .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
            assertThat(row.get("Last Active")).as(state).isEqualTo(CsvValues.timestamp(p.lastEventDate()));
            Profile.Predictive pa = p.predictive();
            assertThat(row.get("Total Customer Lifetime Value")).as(state)
                    .isEqualTo(pa == null ? "" : CsvValues.money(pa.totalClv()));
            assertThat(row.get("Historic Customer Lifetime Value")).as(state)
                    .isEqualTo(pa == null ? "" : CsvValues.money(pa.historicClv()));
            assertThat(row.get("Predicted Number Of Orders")).as(state)
                    .isEqualTo(pa == null ? "" : CsvValues.number(pa.predictedOrders()));
            assertThat(row.get("Expected Date Of Next Order")).as(state)
                    .isEqualTo(pa == null ? "" : CsvValues.timestamp(pa.expectedDateOfNextOrder()));
            assertThat(row.get("First Active")).as("not enriched").isEmpty();
        }
        assertThat(csv.rows()).anySatisfy(r -> assertThat(r.get("Total Customer Lifetime Value")).matches("\\d+\\.\\d\\d"));
    }

    @Test
    void extended_schema_maps_location_and_contact_columns() {
        var csv = fx.export("{'source':'klaviyo','schema':'extended','pageSize':50,'maxPages':1,'sortBy':'created'}");
        assertThat(csv.header()).containsExactly("Email", "Klaviyo ID", "First Name", "Last Name", "Phone Number",
                "External ID", "Organization", "Title", "Locale", "City", "Region", "Country", "Zip", "Timezone",
                "Email Marketing Consent", "Profile Created On", "Profile Updated On", "Last Event Date");
        for (var row : csv.rows()) {
            Profile p = data.profileById(row.get("Klaviyo ID")).orElseThrow();
            assertThat(row.get("Phone Number")).isEqualTo(Objects.toString(p.phoneNumber(), ""));
            assertThat(row.get("External ID")).isEqualTo(Objects.toString(p.externalId(), ""));
            assertThat(row.get("City")).isEqualTo(p.location() == null ? "" : Objects.toString(p.location().city(), ""));
            assertThat(row.get("Timezone")).isEqualTo(p.location() == null ? "" : Objects.toString(p.location().timezone(), ""));
            assertThat(row.get("Profile Updated On")).isEqualTo(CsvValues.timestamp(p.updated()));
        }
    }

    @Test
    void page_size_times_max_pages_profiles_are_scanned_and_zero_pages_is_header_only() {
        var csv = fx.export("{'source':'klaviyo','pageSize':200,'maxPages':2,'sortBy':'created'}");
        assertThat(csv.result().diagnostics().profilesScanned()).isEqualTo(400L);
        assertThat(csv.column("Klaviyo ID")).containsExactlyElementsOf(all().stream().sorted(BY_CREATED).limit(400)
                .filter(AudienceSyncTest::kept).map(Profile::id).toList());
        var empty = fx.export("{'source':'klaviyo','maxPages':0}");
        assertThat(empty.rows()).isEmpty();
        assertThat(empty.raw()).isEqualTo(String.join(",", AudienceSchema.MINIMAL.headers()) + "\r\n");
    }

    @Test
    void small_exports_enrich_profile_by_profile_with_the_events_values() {
        var csv = fx.export("{'source':'klaviyo','schema':'required','enrichEvents':true,'pageSize':8,'maxPages':1,"
                + "'sortBy':'created'}");
        EnrichmentReport en = enrichment(csv);
        assertThat(en.plan()).isEqualTo("per-profile");
        assertThat(en.planCalls()).isLessThanOrEqualTo(en.accountPassEstimatedCalls());
        assertEngagementMatchesEvents(csv);
    }

    @Test
    void whole_account_exports_enrich_in_one_pass_with_the_events_values() {
        var csv = fx.export("{'source':'klaviyo','schema':'required','enrichEvents':true}");
        EnrichmentReport en = enrichment(csv);
        assertThat(en.plan()).isEqualTo("account-pass");
        assertThat(en.planCalls() + en.planningCalls())
                .isLessThanOrEqualTo(en.perProfileEstimatedCalls());
        assertThat(en.enrichedProfiles()).isEqualTo((long) csv.rows().size());
        assertEngagementMatchesEvents(csv);
    }

    @Test
    void a_page_cap_keeps_the_latest_opens_and_clicks_and_leaves_first_active_unknown() {
        var csv = fx.export("{'source':'klaviyo','schema':'required','enrichEvents':true,'enrichEventsMaxPages':1}");
        EnrichmentReport en = enrichment(csv);
        assertThat(en.plan()).isEqualTo("account-pass");
        assertThat(en.truncated()).isEqualTo(true);
        Map<String, Instant[]> truth = engagementTruth();
        assertThat(csv.column("First Active")).allMatch(String::isEmpty);
        long withLastOpen = 0;
        for (var row : csv.rows()) {
            Instant[] t = truth.getOrDefault(row.get("Klaviyo ID"), new Instant[3]);
            if (!row.get("Last Open").isEmpty()) {
                assertThat(row.get("Last Open")).isEqualTo(CsvValues.timestamp(t[1]));
                withLastOpen++;
            }
            if (!row.get("Last Click").isEmpty()) {
                assertThat(row.get("Last Click")).isEqualTo(CsvValues.timestamp(t[2]));
            }
        }
        assertThat(withLastOpen).as("the newest page still fills some rows").isPositive();
    }

    @Test
    void enrich_profile_limit_enriches_only_the_first_rows() {
        var csv = fx.export("{'source':'klaviyo','schema':'required','enrichEvents':true,'enrichProfileLimit':3,"
                + "'sortBy':'created'}");
        assertThat(enrichment(csv).enrichedProfiles()).isEqualTo(3L);
        assertThat(csv.rows().subList(3, csv.rows().size()))
                .allSatisfy(r -> assertThat(r.get("Last Open") + r.get("Last Click") + r.get("First Active")).isEmpty());
    }

    @Test
    void live_writes_subscribers_csv_atomically_under_account_and_upload() throws Exception {
        AudienceResult r = fx.sync.live(AudienceRequests.parse(
                "{'mode':'live','source':'klaviyo','accountId':'acme','uploadId':'2025-09-17T01-00-00Z','maxPages':1}"));
        assertThat(r.bucket()).isEqualTo("audience-staging");
        assertThat(r.key()).isEqualTo("acme/2025-09-17T01-00-00Z/subscribers.csv");
        byte[] file = Files.readAllBytes(storeRoot.resolve("audience-staging/acme/2025-09-17T01-00-00Z/subscribers.csv"));
        assertThat(r.bytes()).isEqualTo(file.length);
        assertThat(r.sha256()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file)));
        assertThat(r.rows()).isEqualTo(new String(file).split("\r\n").length - 1);

        AudienceResult defaulted = fx.sync.live(AudienceRequests.parse(
                "{'mode':'live','source':'klaviyo','accountId':'acme','maxPages':0}"));
        assertThat(defaulted.key()).matches("acme/\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\dZ/subscribers.csv");
    }

    @Test
    void a_storage_failure_is_a_clear_upstream_error_naming_the_bucket() throws Exception {
        Path notADirectory = Files.createTempFile("ksync-store", ".file");
        AudienceSync broken = new AudienceSync(new dev.ksync.sync.SyncRunner(fx.klaviyo,
                new dev.ksync.store.FileSystemObjectStore(notADirectory), java.time.Clock.systemUTC()),
                dev.ksync.config.AppConfig.load(Map.of()).storage().buckets());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> broken.live(AudienceRequests.parse(
                        "{'mode':'live','source':'klaviyo','accountId':'acme','maxPages':1}")))
                .isInstanceOfSatisfying(dev.ksync.error.KsyncException.class, e -> {
                    assertThat(e.code()).isEqualTo("storage_failed");
                    assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM);
                    assertThat(e.details()).containsEntry("bucket", "audience-staging");
                });
    }

    @Test
    void profiles_given_with_the_request_are_filtered_and_mapped() {
        var csv = fx.export("""
                {'source':'profiles','schema':'minimal','sortBy':'email','profiles':[
                  {'type':'profile','id':'P1','attributes':{'email':'b@x.com','first_name':'Bo','created':'2024-01-02 03:04:05.123456+00:00',
                     'subscriptions':{'email':{'marketing':{'consent':'SUBSCRIBED','suppression':[]}}}}},
                  {'type':'profile','id':'P2','attributes':{'email':'a@x.com','last_name':'Al','created':'2024-05-06T07:08:09Z',
                     'subscriptions':{'email':{'marketing':{'consent':'NEVER_SUBSCRIBED'}}}}},
                  {'type':'profile','id':'P3','attributes':{'email':'c@x.com','subscriptions':{'email':{'marketing':{'consent':'UNSUBSCRIBED'}}}}},
                  {'type':'profile','id':'P4','attributes':{'email':'d@x.com','subscriptions':{'email':{'marketing':{'consent':'SUBSCRIBED',
                     'suppression':[{'reason':'HARD_BOUNCE','timestamp':'2024-01-01T00:00:00Z'}]}}}}}
                ]}""");
        assertThat(csv.rows()).containsExactly(
                Map.of("Email", "a@x.com", "Klaviyo ID", "P2", "First Name", "", "Last Name", "Al",
                        "Email Marketing Consent", "NEVER_SUBSCRIBED", "Profile Created On", "2024-05-06T07:08:09Z"),
                Map.of("Email", "b@x.com", "Klaviyo ID", "P1", "First Name", "Bo", "Last Name", "",
                        "Email Marketing Consent", "SUBSCRIBED", "Profile Created On", "2024-01-02T03:04:05Z"));
        assertThat(csv.result().diagnostics().profilesDropped()).isEqualTo(Map.of("unsubscribed", 1L, "suppressed", 1L));
    }

    private static EnrichmentReport enrichment(AudienceFixture.Csv csv) {
        return csv.result().diagnostics().enrichment();
    }

    /** First Active / Last Open / Last Click as counted directly from the sandbox's events. */
    private static void assertEngagementMatchesEvents(AudienceFixture.Csv csv) {
        Map<String, Instant[]> truth = engagementTruth();
        List<String> checked = new ArrayList<>();
        for (var row : csv.rows()) {
            Instant[] t = truth.getOrDefault(row.get("Klaviyo ID"), new Instant[3]);
            assertThat(row.get("First Active")).as(row.get("Klaviyo ID")).isEqualTo(CsvValues.timestamp(t[0]));
            assertThat(row.get("Last Open")).as(row.get("Klaviyo ID")).isEqualTo(CsvValues.timestamp(t[1]));
            assertThat(row.get("Last Click")).as(row.get("Klaviyo ID")).isEqualTo(CsvValues.timestamp(t[2]));
            if (t[0] != null) {
                checked.add(row.get("Klaviyo ID"));
            }
        }
        assertThat(checked).as("some exported profiles have engagement").isNotEmpty();
    }

    /** Per profile id: {first open or click, last open, last click}, from the sandbox's events. */
    private static Map<String, Instant[]> engagementTruth() {
        Map<String, Instant[]> truth = new HashMap<>(); // id -> {first, lastOpen, lastClick}
        data.forEachEvent(data.historyStart().minusSeconds(86_400), Instant.now().plusSeconds(86_400 * 400L), ev -> {
            String m = ev.metric().name();
            boolean open = m.equals("Opened Email");
            if (!open && !m.equals("Clicked Email")) {
                return;
            }
            Instant[] t = truth.computeIfAbsent(ev.profileId(), k -> new Instant[3]);
            if (t[0] == null || ev.time().isBefore(t[0])) t[0] = ev.time();
            int slot = open ? 1 : 2;
            if (t[slot] == null || ev.time().isAfter(t[slot])) t[slot] = ev.time();
        });
        return truth;
    }
}
