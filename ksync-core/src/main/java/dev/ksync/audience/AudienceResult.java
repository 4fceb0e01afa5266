package dev.ksync.audience;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** What an audience sync answers: dry-run JSON carries the preview, live the stored object. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AudienceResult(
        String mode,
        long rows,
        List<String> csvPreview,
        String bucket,
        String key,
        Long bytes,
        String sha256,
        Map<String, Object> diagnostics) {}
