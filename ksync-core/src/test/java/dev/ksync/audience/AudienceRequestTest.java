package dev.ksync.audience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class AudienceRequestTest {

    @Test
    void defaults_are_dry_run_json_minimal_from_profiles() {
        AudienceRequest r = AudienceRequests.parse("{'profiles': []}");
        assertThat(r.mode()).isEqualTo(AudienceRequest.Mode.DRY_RUN);
        assertThat(r.format()).isEqualTo(AudienceRequest.Format.JSON);
        assertThat(r.schema()).isEqualTo(AudienceSchema.MINIMAL);
        assertThat(r.source()).isEqualTo(AudienceRequest.Source.PROFILES);
        assertThat(r.pageSize()).isEqualTo(100);
        assertThat(r.maxPages()).isEmpty();
        assertThat(r.includeSuppressed()).isFalse();
        assertThat(r.enrichEvents()).isFalse();
        assertThat(r.gated()).isFalse();
    }

    @ParameterizedTest(name = "{0} -> field {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "{'mode':'yolo','profiles':[]}                        | mode      | dry-run, live",
            "{'format':'xml','profiles':[]}                       | format    | json, csv",
            "{'schema':'full','profiles':[]}                      | schema    | minimal, extended, required",
            "{'source':'db'}                                      | source    | profiles, klaviyo",
            "{'source':'klaviyo','pageSize':0}                    | pageSize  | from 1 to 1000",
            "{'source':'klaviyo','pageSize':1001}                 | pageSize  | from 1 to 1000",
            "{'source':'klaviyo','pageSize':'ten'}                | pageSize  | from 1 to 1000",
            "{'source':'klaviyo','maxPages':-1}                   | maxPages  | from 0",
            "{'source':'profiles'}                                | profiles  | array",
            "{'source':'profiles','profiles':{}}                  | profiles  | array",
            "{'source':'profiles','profiles':[1]}                 | profiles[0] | profile object",
            "{'source':'klaviyo','mode':'live'}                   | accountId | account id",
            "{'source':'klaviyo','accountId':'Bad Id'}            | accountId | a-z",
            "{'source':'klaviyo','uploadId':'../x'}               | uploadId  | without '..'",
            "{'source':'klaviyo','sortBy':'name'}                 | sortBy    | created, email",
            "{'source':'klaviyo','sortDir':'up'}                  | sortDir   | asc, desc",
            "{'source':'klaviyo','includeSuppressed':'yes'}       | includeSuppressed | true or false",
            "{'profiles':[{'id':'p1','created':'yesterday'}]}     | profiles[0] | ISO-8601",
            "{'profiles':[{'id':'p1'},{'attributes':{'updated':'2025-13-01T00:00:00Z'}}]} | profiles[1] | ISO-8601",
    })
    void bad_input_is_a_400_naming_the_field_and_what_is_allowed(String body, String field, String allowed) {
        assertThatThrownBy(() -> AudienceRequests.parse(body))
                .isInstanceOfSatisfying(KsyncException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.BAD_INPUT);
                    assertThat(e.details().get("field")).isEqualTo(field);
                    assertThat(e.getMessage()).contains(field).contains(allowed);
                });
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
    void a_key_of_the_wrong_type_is_rejected_without_echoing_it() {
        assertThatThrownBy(() -> AudienceRequests.parse("{'source':'klaviyo','klaviyoApiKey':['pk_secret_value']}"))
                .isInstanceOf(KsyncException.class).hasMessageNotContaining("pk_secret_value");
    }

    @Test
    void descending_sort_becomes_klaviyos_minus_prefix() {
        assertThat(AudienceRequests.parse("{'source':'klaviyo','sortBy':'created','sortDir':'desc'}").klaviyoSort())
                .isEqualTo("-created");
    }
}
