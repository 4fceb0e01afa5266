package dev.ksync.alert;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ksync.backfill.BackfillStatus;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * The JSON body the alert webhook receives when a backfill ends: {@code backfill.completed} or {@code backfill.failed},
 * with the account, its progress, what it stored and its errors. {@code at} is when it ended.
 */
@JsonPropertyOrder({"event", "client_id", "status", "days_completed", "days_total", "orders", "revenue", "currency",
        "errors", "at"})
public record BackfillAlert(
        @JsonProperty("event") String event,
        @JsonProperty("client_id") String clientId,
        @JsonProperty("status") String status,
        @JsonProperty("days_completed") int daysCompleted,
        @JsonProperty("days_total") int daysTotal,
        @JsonProperty("orders") long orders,
        @JsonProperty("revenue") BigDecimal revenue,
        @JsonProperty("currency") String currency,
        @JsonProperty("errors") List<Error> errors,
        @JsonProperty("at") Instant at) {

    public static final String COMPLETED = "backfill.completed";
    public static final String FAILED = "backfill.failed";

    /** One error of the backfill, as its status lists it: when, on which day (null before the first), what. */
    @JsonPropertyOrder({"at", "date", "message"})
    public record Error(Instant at, LocalDate date, String message) {}

    public BackfillAlert {
        Objects.requireNonNull(event, "event is null");
        if (!event.equals(COMPLETED) && !event.equals(FAILED)) {
            throw new IllegalArgumentException("event must be " + COMPLETED + " or " + FAILED + ": " + event);
        }
        Objects.requireNonNull(clientId, "clientId is null");
        Objects.requireNonNull(status, "status is null");
        Objects.requireNonNull(at, "at is null");
        revenue = (revenue == null ? BigDecimal.ZERO : revenue).setScale(2, RoundingMode.HALF_UP);
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    /** The alert of a backfill's status object as it ended; {@code at} is its completion (else last update) time. */
    public static BackfillAlert of(String event, BackfillStatus status) {
        JsonNode j = status.json();
        List<Error> errors = new ArrayList<>();
        for (JsonNode e : j.path("errors")) {
            errors.add(new Error(instant(e.path("at")), e.path("date").isTextual()
                    ? LocalDate.parse(e.path("date").asText()) : null, e.path("message").asText(null)));
        }
        Instant at = instant(j.path("completed_at"));
        return new BackfillAlert(event, status.clientId(), status.status(), status.daysCompleted(), status.daysTotal(),
                j.path("counts").path("orders").asLong(), j.path("revenue").decimalValue(),
                j.path("currency").asText(null), errors, at != null ? at : instant(j.path("updated_at")));
    }

    private static Instant instant(JsonNode n) {
        return n.isTextual() ? OffsetDateTime.parse(n.asText()).toInstant() : null;
    }
}
