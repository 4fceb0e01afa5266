package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ksync.audience.AudienceRequest;
import dev.ksync.audience.AudienceSchema;
import dev.ksync.error.ErrorKind;
import dev.ksync.sync.Mode;
import dev.ksync.error.KsyncException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The audience-sync JSON body: defaults, and every bad field a 400 naming it (as the API spells it). */
class AudienceRequestParserTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static AudienceRequest parse(String json) {
        try {
            return AudienceRequestParser.parse((ObjectNode) JSON.readTree(json.replace('\'', '"')));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void defaults_are_dry_run_json_minimal_from_profiles() {
        AudienceRequest r = parse("{'profiles': []}");
        assertThat(r.mode()).isEqualTo(Mode.DRY_RUN);
        assertThat(r.format()).isEqualTo(dev.ksync.sync.Format.JSON);
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
            "{'source':'klaviyo','overwrite':1}                   | overwrite | true or false",
            "{'source':'klaviyo','profiles':[]}                   | profiles  | only with source 'profiles'",
            "{'profiles':[{'id':'p1','created':'yesterday'}]}     | profiles[0] | ISO-8601",
            "{'profiles':[{'id':'p1'},{'attributes':{'updated':'2025-13-01T00:00:00Z'}}]} | profiles[1] | ISO-8601",
    })
    void bad_input_is_a_400_naming_the_field_and_what_is_allowed(String body, String field, String allowed) {
        assertThatThrownBy(() -> parse(body))
                .isInstanceOfSatisfying(KsyncException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.BAD_INPUT);
                    assertThat(e.details().get("field")).isEqualTo(field);
                    assertThat(e.getMessage()).contains(field).contains(allowed);
                });
    }

    /** The wire reader is lenient (Klaviyo's answers); a request's profile of the wrong shape is refused instead. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "{'profiles':[{'email':{'x':1}}]}                          | profiles[0].email | invalid_profiles_email",
            "{'profiles':[{'id':'p'},{'attributes':{'first_name':['A']}}]} | profiles[1].attributes.first_name"
                    + " | invalid_profiles_attributes_first_name",
            "{'profiles':[{'id':{'a':1}}]}                             | profiles[0].id    | invalid_profiles_id",
            "{'profiles':[{'created':[2024]}]}                         | profiles[0].created | invalid_profiles_created",
            "{'profiles':[{'subscriptions':'SUBSCRIBED'}]}             | profiles[0].subscriptions"
                    + " | invalid_profiles_subscriptions",
            "{'profiles':[{'location':'Paris'}]}                       | profiles[0].location | invalid_profiles_location",
            "{'profiles':[{'location':{'city':{'n':1}}}]}              | profiles[0].location.city"
                    + " | invalid_profiles_location_city",
            "{'profiles':[{'location':{'latitude':'north'}}]}          | profiles[0].location.latitude"
                    + " | invalid_profiles_location_latitude",
            "{'profiles':[{'id':'p'},1]}                               | profiles[1]       | invalid_profiles",
            "{'profiles':[{'id':'p','created':'yesterday'}]}           | profiles[0]       | invalid_profiles",
            "{'profiles':[{'attributes':{'updated':'-0005-01-01T00:00:00Z'}}]} | profiles[0].attributes.updated"
                    + " | invalid_profiles_attributes_updated",
            "{'profiles':[{'created':'+999999999-01-01T00:00:00Z'}]}   | profiles[0].created | invalid_profiles_created",
    })
    void a_profile_attribute_of_the_wrong_kind_is_a_400_naming_its_path_under_a_code_without_indices(String body,
            String field, String code) {
        assertThatThrownBy(() -> parse(body))
                .isInstanceOfSatisfying(KsyncException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.BAD_INPUT);
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.details().get("field")).isEqualTo(field);
                    assertThat(e.getMessage()).startsWith(field + " is ").contains("allowed");
                });
    }

    @Test
    void scalar_attributes_as_klaviyo_sends_them_are_taken() {
        AudienceRequest r = parse("""
                {'profiles':[{'id':'P1','email':'a@x.com','phone_number':null,'location':{'city':'Lyon',
                  'latitude':'45.76','longitude':4.83},'properties':{'tier':['gold']},
                  'subscriptions':{'email':{'marketing':{'consent':'SUBSCRIBED'}}}}]}""");
        assertThat(r.profiles()).singleElement().satisfies(p -> {
            assertThat(p.email()).isEqualTo("a@x.com");
            assertThat(p.location().latitude()).isEqualTo(45.76);
        });
    }

    @Test
    void a_key_of_the_wrong_type_is_rejected_without_echoing_it() {
        assertThatThrownBy(() -> parse("{'source':'klaviyo','klaviyoApiKey':['pk_secret_value']}"))
                .isInstanceOf(KsyncException.class).hasMessageNotContaining("pk_secret_value");
    }

    @Test
    void profiles_may_be_json_api_resources_or_flat_objects() {
        AudienceRequest r = parse("""
                {'profiles':[
                  {'type':'profile','id':'P1','attributes':{'email':'b@x.com','created':'2024-01-02 03:04:05.123456+00:00'}},
                  {'id':'P2','email':'a@x.com','last_name':'Al','created':'2024-05-06T07:08:09Z'}]}""");
        assertThat(r.profiles()).extracting(p -> p.id() + " " + p.email() + " " + p.created())
                .containsExactly("P1 b@x.com 2024-01-02T03:04:05.123456Z", "P2 a@x.com 2024-05-06T07:08:09Z");
    }

    @Test
    void overwrite_is_off_unless_asked() {
        assertThat(parse("{'profiles':[]}").overwrite()).isFalse();
        assertThat(parse("{'profiles':[],'overwrite':true}").overwrite()).isTrue();
        assertThat(AudienceRequestParser.FIELDS).contains("overwrite");
    }
}
