package dev.ksync.audience;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.accounts.AccountId;
import dev.ksync.klaviyo.wire.Profile;
import dev.ksync.request.Choices;
import dev.ksync.store.UploadId;
import dev.ksync.sync.Mode;
import java.util.ArrayList;
import java.util.List;

/** Requests written as compact JSON in tests ({@code {'source':'klaviyo','maxPages':1}}), built as any door builds them. */
final class AudienceRequests {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AudienceRequests() {}

    static AudienceRequest parse(String json) {
        JsonNode body;
        try {
            body = JSON.readTree(json.replace('\'', '"'));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        AudienceRequest.Builder b = AudienceRequest.builder();
        body.fields().forEachRemaining(f -> {
            JsonNode v = f.getValue();
            switch (f.getKey()) {
                case "mode" -> b.mode(Choices.parse("mode", Mode.class, v.asText()));
                case "format" -> b.format(Choices.parse("format", dev.ksync.sync.Format.class, v.asText()));
                case "schema" -> b.schema(Choices.parse("schema", AudienceSchema.class, v.asText()));
                case "source" -> b.source(Choices.parse("source", AudienceRequest.Source.class, v.asText()));
                case "sortDir" -> b.sortDir(Choices.parse("sortDir", AudienceRequest.SortDir.class, v.asText()));
                case "sortBy" -> b.sortBy(v.asText());
                case "accountId" -> b.accountId(new AccountId(v.asText()));
                case "uploadId" -> b.uploadId(new UploadId(v.asText()));
                case "pageSize" -> b.pageSize(v.asInt());
                case "maxPages" -> b.maxPages(v.asInt());
                case "enrichProfileLimit" -> b.enrichProfileLimit(v.asInt());
                case "enrichEventsMaxPages" -> b.enrichEventsMaxPages(v.asInt());
                case "includeSuppressed" -> b.includeSuppressed(v.asBoolean());
                case "enrichEvents" -> b.enrichEvents(v.asBoolean());
                case "overwrite" -> b.overwrite(v.asBoolean());
                case "profiles" -> {
                    List<Profile> profiles = new ArrayList<>();
                    v.forEach(p -> profiles.add(Profile.from(p))); // JSON:API resources
                    b.profiles(profiles);
                }
                default -> throw new IllegalArgumentException("no such request field in tests: " + f.getKey());
            }
        });
        return b.build();
    }
}
