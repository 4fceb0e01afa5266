package dev.ksync.audience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ksync.accounts.AccountId;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.klaviyo.wire.Profile;
import dev.ksync.sync.Mode;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The request record checks itself, whoever builds it (HTTP, CLI, a scheduled task). */
class AudienceRequestTest {

    @Test
    void builder_defaults_are_dry_run_json_minimal_from_profiles() {
        AudienceRequest r = AudienceRequest.builder().build();
        assertThat(r.mode()).isEqualTo(Mode.DRY_RUN);
        assertThat(r.format()).isEqualTo(dev.ksync.sync.Format.JSON);
        assertThat(r.schema()).isEqualTo(AudienceSchema.MINIMAL);
        assertThat(r.source()).isEqualTo(AudienceRequest.Source.PROFILES);
        assertThat(r.pageSize()).isEqualTo(AudienceRequest.DEFAULT_PAGE_SIZE);
        assertThat(r.maxPages()).isEmpty();
        assertThat(r.overwrite()).isFalse();
        assertThat(r.gated()).isFalse();
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                bad("pageSize", "from 1 to 1000", b -> b.source(AudienceRequest.Source.KLAVIYO).pageSize(0)),
                bad("pageSize", "from 1 to 1000", b -> b.pageSize(1001)),
                bad("maxPages", "from 0", b -> b.maxPages(-1)),
                bad("enrichProfileLimit", "from 0", b -> b.enrichProfileLimit(-5)),
                bad("enrichEventsMaxPages", "from 0", b -> b.enrichEventsMaxPages(-1)),
                bad("accountId", "account id for live runs", b -> b.mode(Mode.LIVE)),
                bad("sortBy", "created, email", b -> b.sortBy("name")),
                bad("profiles", "only with source 'profiles'", b -> b.source(AudienceRequest.Source.KLAVIYO)
                        .profiles(List.of(Profile.from(new com.fasterxml.jackson.databind.ObjectMapper()
                                .createObjectNode().put("type", "profile").put("id", "P1"))))));
    }

    static Arguments bad(String field, String allowed, UnaryOperator<AudienceRequest.Builder> change) {
        return Arguments.of(field, allowed, change);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void a_bad_value_is_a_400_naming_its_field(String field, String allowed, UnaryOperator<AudienceRequest.Builder> change) {
        assertThatThrownBy(() -> change.apply(AudienceRequest.builder()).build())
                .isInstanceOfSatisfying(KsyncException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.BAD_INPUT);
                    assertThat(e.details().get("field")).isEqualTo(field);
                    assertThat(e.getMessage()).startsWith(field + " is ").contains(allowed);
                });
    }

    @Test
    void a_scheduled_task_builds_a_live_request_without_json() {
        AudienceRequest r = AudienceRequest.builder().mode(Mode.LIVE).source(AudienceRequest.Source.KLAVIYO)
                .schema(AudienceSchema.REQUIRED).accountId(new AccountId("acme")).maxPages(2).pageSize(200).build();
        assertThat(r.gated()).isTrue();
        assertThat(r.profileLimit()).isEqualTo(400);
    }

    @Test
    void page_size_times_max_pages_bounds_the_scan_and_zero_pages_means_header_only() {
        assertThat(AudienceRequests.parse("{'source':'klaviyo','pageSize':200,'maxPages':2}").profileLimit()).isEqualTo(400);
        assertThat(AudienceRequests.parse("{'source':'klaviyo','maxPages':0}").profileLimit()).isZero();
        assertThat(AudienceRequests.parse("{'source':'klaviyo'}").profileLimit()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void klaviyo_source_live_mode_and_enrichment_are_gated() {
        assertThat(AudienceRequests.parse("{'source':'klaviyo'}").gated()).isTrue();
        assertThat(AudienceRequests.parse("{'profiles':[],'mode':'live','accountId':'a'}").gated()).isTrue();
        assertThat(AudienceRequests.parse("{'profiles':[],'enrichEvents':true}").gated()).isTrue();
    }

    @Test
    void descending_sort_becomes_klaviyos_minus_prefix() {
        assertThat(AudienceRequests.parse("{'source':'klaviyo','sortBy':'created','sortDir':'desc'}").klaviyoSort())
                .isEqualTo("-created");
    }
}
