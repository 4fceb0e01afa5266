package dev.ksync.audience;

import static dev.ksync.csv.CsvValues.money;
import static dev.ksync.csv.CsvValues.number;
import static dev.ksync.csv.CsvValues.text;
import static dev.ksync.csv.CsvValues.timestamp;

import dev.ksync.klaviyo.wire.PredictiveAnalytics;
import dev.ksync.klaviyo.wire.Profile;
import dev.ksync.klaviyo.wire.Subscriptions;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The three layouts of subscribers.csv (minimal, extended, required), each an ordered list of columns, declared once as data. */
public enum AudienceSchema {
    MINIMAL(List.of(
            Column.EMAIL, Column.KLAVIYO_ID, Column.FIRST_NAME, Column.LAST_NAME, Column.CONSENT, Column.CREATED)),
    EXTENDED(List.of(
            Column.EMAIL, Column.KLAVIYO_ID, Column.FIRST_NAME, Column.LAST_NAME,
            col("Phone Number", s -> text(s.profile().phoneNumber())),
            col("External ID", s -> text(s.profile().externalId())),
            col("Organization", s -> text(s.profile().organization())),
            col("Title", s -> text(s.profile().title())),
            col("Locale", s -> text(s.profile().locale())),
            col("City", s -> location(s, Profile.Location::city)),
            col("Region", s -> location(s, Profile.Location::region)),
            col("Country", s -> location(s, Profile.Location::country)),
            col("Zip", s -> location(s, Profile.Location::zip)),
            col("Timezone", s -> location(s, Profile.Location::timezone)),
            Column.CONSENT, Column.CREATED,
            col("Profile Updated On", s -> timestamp(s.profile().updated())),
            col("Last Event Date", s -> timestamp(s.profile().lastEventDate())))),
    REQUIRED(List.of(
            Column.EMAIL, Column.KLAVIYO_ID, Column.FIRST_NAME, Column.LAST_NAME, Column.CONSENT,
            col("Email Suppressions", s -> marketing(s) == null ? "" : marketing(s).suppression().stream()
                    .map(Subscriptions.Suppression::reason).filter(Objects::nonNull)
                    .collect(Collectors.joining(";"))),
            col("Email Suppressions Timestamp", s -> marketing(s) == null ? "" : timestamp(marketing(s).suppression()
                    .stream().map(Subscriptions.Suppression::timestamp).filter(Objects::nonNull)
                    .min(Comparator.naturalOrder()).orElse(null))),
            col("First Active", s -> timestamp(s.engagement().firstActive())),
            col("Last Active", s -> timestamp(s.profile().lastEventDate())),
            Column.CREATED,
            col("Last Open", s -> timestamp(s.engagement().lastOpen())),
            col("Last Click", s -> timestamp(s.engagement().lastClick())),
            col("Total Customer Lifetime Value", s -> money(predictive(s, PredictiveAnalytics::totalClv))),
            col("Predicted Customer Lifetime Value", s -> money(predictive(s, PredictiveAnalytics::predictedClv))),
            col("Predicted Number Of Orders", s -> number(predictive(s, PredictiveAnalytics::predictedNumberOfOrders))),
            col("Average Order Value", s -> money(predictive(s, PredictiveAnalytics::averageOrderValue))),
            col("Average Days Between Orders",
                    s -> number(predictive(s, PredictiveAnalytics::averageDaysBetweenOrders))),
            col("Historic Customer Lifetime Value", s -> money(predictive(s, PredictiveAnalytics::historicClv))),
            col("Historic Number Of Orders", s -> number(predictive(s, PredictiveAnalytics::historicNumberOfOrders))),
            col("Expected Date Of Next Order", s -> s.profile().predictiveAnalytics() == null ? ""
                    : timestamp(s.profile().predictiveAnalytics().expectedDateOfNextOrder()))));

    /** One profile with what enrichment found for it: the input of a row. */
    public record Subscriber(Profile profile, Engagement engagement) {}

    public record Column(String header, Function<Subscriber, String> cell) {
        static final Column EMAIL = col("Email", s -> text(s.profile().email()));
        static final Column KLAVIYO_ID = col("Klaviyo ID", s -> text(s.profile().id()));
        static final Column FIRST_NAME = col("First Name", s -> text(s.profile().firstName()));
        static final Column LAST_NAME = col("Last Name", s -> text(s.profile().lastName()));
        static final Column CONSENT = col("Email Marketing Consent",
                s -> marketing(s) == null ? "" : text(marketing(s).consent()));
        static final Column CREATED = col("Profile Created On", s -> timestamp(s.profile().created()));
    }

    private final List<Column> columns;

    AudienceSchema(List<Column> columns) {
        this.columns = columns;
    }

    public List<String> headers() {
        return columns.stream().map(Column::header).toList();
    }

    public List<String> row(Subscriber s) {
        return columns.stream().map(c -> c.cell().apply(s)).toList();
    }

    /** Only the required schema has enrichment and predictive columns, so only it pays for them. */
    public boolean needsPredictiveAnalytics() {
        return this == REQUIRED;
    }

    public boolean hasEngagementColumns() {
        return this == REQUIRED;
    }

    public String wireName() {
        return name().toLowerCase();
    }

    private static Column col(String header, Function<Subscriber, String> cell) {
        return new Column(header, cell);
    }

    private static Subscriptions.EmailMarketing marketing(Subscriber s) {
        return s.profile().subscriptions() == null ? null : s.profile().subscriptions().emailMarketing();
    }

    private static String location(Subscriber s, Function<Profile.Location, String> f) {
        return s.profile().location() == null ? "" : text(f.apply(s.profile().location()));
    }

    private static Double predictive(Subscriber s, Function<PredictiveAnalytics, Double> f) {
        return s.profile().predictiveAnalytics() == null ? null : f.apply(s.profile().predictiveAnalytics());
    }

}
