package dev.ksync.klaviyo.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A raw record's JSON as the loader stores it: Klaviyo's bytes less the JSON:API links members, JSON still. */
class RawResourceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String EVENT = """
            {"type":"event","id":"E1","attributes":{"timestamp":1700000000,"event_properties":{"links":{"a":1},"$value":9.50},\
            "datetime":"2023-11-14T22:13:20+00:00","uuid":"u-1"},"relationships":{"profile":{"data":{"type":"profile",\
            "id":"P1"},"links":{"self":"https://a.klaviyo.com/api/events/E1/relationships/profile/","related":\
            "https://a.klaviyo.com/api/events/E1/profile/"}},"attributions":{"links":{"self":"x","related":"y"}}},\
            "links":{"self":"https://a.klaviyo.com/api/events/E1/"}}""";

    @Test
    void a_record_loses_its_own_and_its_relationships_links_and_keeps_everything_else() throws IOException {
        JsonNode kept = tree(RawResource.of(EVENT).jsonWithoutLinks());

        assertThat(kept).isEqualTo(withoutLinks(JSON.readTree(EVENT)));
        assertThat(kept.at("/relationships/profile/data/id").asText()).isEqualTo("P1");
        assertThat(kept.at("/attributes/event_properties/links/a").asInt()).as("an attribute named links stays").isEqualTo(1);
        assertThat(kept.path("relationships").path("attributions").isEmpty()).isTrue();
        assertThat(kept.has("links")).isFalse();
    }

    @Test
    void links_first_between_or_last_in_any_spacing_leave_valid_json() throws IOException {
        for (String record : new String[] {
                "{\"links\":{\"self\":\"s\"},\"type\":\"profile\",\"id\":\"P1\",\"attributes\":{\"email\":\"a@b.c\"}}",
                "{ \"links\" : { \"self\" : \"s\" } ,\n \"type\" : \"profile\", \"id\" : \"P1\" }",
                "{\"type\":\"profile\",\n  \"links\": {\"self\": \"s\"}\n  ,\"id\":\"P1\",\"relationships\":{\"lists\":"
                        + "{ \"links\" : {\"self\":\"l\"} , \"data\":[]},\"segments\":{\"data\":[],\n\"links\":{}}}}",
                "{\"type\":\"profile\",\"id\":\"P1\",\"links\":{\"self\":\"s\"}}",
                "{\"type\":\"profile\",\"id\":\"P1\",\"links\":\"not an object\"}",
                "{\"links\":{\"a\":1},\"links\":{\"b\":2},\"type\":\"profile\",\"id\":\"P1\"}"}) {
            JsonNode kept = tree(RawResource.of(record).jsonWithoutLinks());
            JsonNode expected = withoutLinks(JSON.readTree(record));
            if (JSON.readTree(record).path("links").isTextual()) expected = JSON.readTree(record);
            assertThat(kept).as(record).isEqualTo(expected);
            assertThat(kept.path("id").asText()).isEqualTo("P1");
        }
    }

    @Test
    void records_read_from_a_page_cut_their_own_bytes_only() throws IOException {
        String page = "{\"data\":[" + EVENT + ",\n" + EVENT.replace("E1", "E2") + "],\"links\":{\"self\":\"p\",\"next\":null}}";

        Page read = Page.raw(page.getBytes(StandardCharsets.UTF_8), JSON);

        assertThat(read.raw()).hasSize(2);
        assertThat(tree(read.raw().get(1).jsonWithoutLinks())).isEqualTo(withoutLinks(JSON.readTree(EVENT.replace("E1", "E2"))));
        assertThat(tree(read.raw().get(1).json())).as("json() is still the record as sent")
                .isEqualTo(JSON.readTree(EVENT.replace("E1", "E2")));
    }

    @Test
    void a_record_without_links_is_its_own_bytes() {
        RawResource r = RawResource.of("{\"type\":\"metric\",\"id\":\"M1\",\"attributes\":{\"name\":\"Placed Order\"}}");

        assertThat(r.jsonWithoutLinks()).isEqualTo(r.json());
    }

    private static JsonNode tree(ByteBuffer json) throws IOException {
        byte[] bytes = new byte[json.remaining()];
        json.get(bytes);
        return JSON.readTree(bytes);
    }

    private static JsonNode withoutLinks(JsonNode record) {
        ObjectNode copy = record.deepCopy();
        copy.remove("links");
        copy.path("relationships").forEach(r -> {
            if (r instanceof ObjectNode o) o.remove("links");
        });
        return copy;
    }
}
