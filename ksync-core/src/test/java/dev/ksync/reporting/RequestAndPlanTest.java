package dev.ksync.reporting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ksync.campaigns.CampaignSchema;
import dev.ksync.campaigns.CampaignSyncRequest;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.flows.FlowSchema;
import dev.ksync.flows.FlowSyncRequest;
import dev.ksync.reporting.ReportPlanner.Aggregation;
import dev.ksync.reporting.ReportPlanner.Strategy;
import java.time.LocalDate;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Headers, number formats, request validation and report plans, without Klaviyo. */
class RequestAndPlanTest {
    static final LocalDate TODAY = LocalDate.of(2025, 9, 17);

    @Test
    void headers_are_exactly_the_contracted_ones() {
        assertThat(String.join(", ", FlowSchema.HEADER)).isEqualTo("Day, Flow ID, Flow Name, Flow Message ID, Flow Message Name,"
                + " Flow Message Channel, Status, Delivered, Unique Opens, Open Rate, Unique Clicks, Click Rate, Placed Order,"
                + " Placed Order Rate, Revenue, Revenue per Recipient, Unsub Rate, Complaint Rate, Bounce Rate, Tags");
        assertThat(String.join(", ", CampaignSchema.HEADER)).isEqualTo("Day, Campaign ID, Campaign Name, Campaign Message ID,"
                + " Subject, Channel, Status, Send Time, Audiences, Recipients, Delivered, Unique Opens, Open Rate, Unique Clicks,"
                + " Click Rate, Placed Order, Placed Order Rate, Revenue, Revenue per Recipient, Unsubscribes, Unsub Rate,"
                + " Spam Complaints, Complaint Rate, Bounces, Bounce Rate, Tags");
    }

    @Test
    void rates_have_at_most_6_decimals_money_2_and_counts_none() {
        assertThat(Statistic.OPEN_RATE.format(1.0 / 3)).isEqualTo("0.333333");
        assertThat(Statistic.OPEN_RATE.format(0.5)).isEqualTo("0.5");
        assertThat(Statistic.REVENUE.format(1234.5)).isEqualTo("1234.50");
        assertThat(Statistic.REVENUE_PER_RECIPIENT.format(0.126)).isEqualTo("0.13");
        assertThat(Statistic.DELIVERED.format(42.0)).isEqualTo("42");
        assertThat(Statistic.DELIVERED.format(null)).isEmpty();
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                bad("days", () -> FlowSyncRequest.builder().days(0).build()),
                bad("days", () -> FlowSyncRequest.builder().days(WindowSpec.MAX_DAYS + 1).build()),
                bad("end", () -> FlowSyncRequest.builder().between(TODAY, TODAY.minusDays(1)).build()),
                bad("end", () -> FlowSyncRequest.builder().window(new WindowSpec(null, java.util.Optional.of(TODAY), null, null)).build()),
                bad("timeframeKey", () -> FlowSyncRequest.builder().timeframeKey("last_2_days").build()),
                bad("timeframeKey", () -> FlowSyncRequest.builder().window(new WindowSpec(java.util.Optional.of(3), null, null,
                        java.util.Optional.of("today"))).build()),
                bad("limitFlows", () -> FlowSyncRequest.builder().limitFlows(0).build()),
                bad("limitMessages", () -> FlowSyncRequest.builder().limitMessages(-1).build()),
                bad("conversionMetricId", () -> FlowSyncRequest.builder().conversionMetricId("a b").build()),
                bad("accountId", () -> FlowSyncRequest.builder().mode(dev.ksync.sync.Mode.LIVE).build()),
                bad("aggregation", () -> FlowSyncRequest.builder().aggregation(null).build()),
                bad("reportStrategy", () -> FlowSyncRequest.builder().reportStrategy(null).build()),
                bad("days", () -> CampaignSyncRequest.builder().window(WindowSpec.lastDays(7)).build()),
                bad("channel", () -> CampaignSyncRequest.builder().channel(null).build()),
                bad("limitCampaigns", () -> CampaignSyncRequest.builder().limitCampaigns(0).build()),
                bad("accountId", () -> CampaignSyncRequest.builder().mode(dev.ksync.sync.Mode.LIVE).build()));
    }

    static Arguments bad(String field, Supplier<Object> build) {
        return Arguments.of(field, build);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void a_bad_field_is_a_400_naming_it(String field, Supplier<Object> build) {
        assertThatThrownBy(build::get).isInstanceOfSatisfying(KsyncException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.BAD_INPUT);
            assertThat(e.details()).containsEntry("field", field);
            assertThat(e.getMessage()).startsWith(field + " is ");
        });
    }

    @Test
    void defaults_are_dry_run_json_and_the_documented_windows() {
        FlowSyncRequest f = FlowSyncRequest.builder().build();
        assertThat(f.mode()).isEqualTo(dev.ksync.sync.Mode.DRY_RUN);
        assertThat(f.format()).isEqualTo(dev.ksync.sync.Format.JSON);
        assertThat(f.aggregation()).isEqualTo(Aggregation.PER_DAY);
        assertThat(f.reportStrategy()).isEqualTo(Strategy.SERIES);
        assertThat(f.window().resolve(TODAY)).isEqualTo(new ReportWindow(TODAY.minusDays(30), TODAY));
        CampaignSyncRequest c = CampaignSyncRequest.builder().build();
        assertThat(c.channel()).isEqualTo(CampaignSyncRequest.Channel.EMAIL);
        assertThat(c.window().timeframeKey()).contains("last_30_days");
    }

    @Test
    void windows_resolve_in_whole_account_days() {
        assertThat(WindowSpec.between(LocalDate.of(2025, 9, 1), LocalDate.of(2025, 9, 5)).resolve(TODAY).days()).isEqualTo(5);
        assertThat(WindowSpec.key("yesterday").resolve(TODAY)).isEqualTo(ReportWindow.day(TODAY.minusDays(1)));
        assertThat(WindowSpec.key("last_month").resolve(TODAY)).isEqualTo(new ReportWindow(LocalDate.of(2025, 8, 1), LocalDate.of(2025, 9, 1)));
        assertThat(WindowSpec.key("this_week").resolve(TODAY).first()).isEqualTo(LocalDate.of(2025, 9, 14)); // a Sunday
    }

    @Test
    void a_year_of_series_is_7_calls_of_at_most_60_days() {
        ReportWindow year = new ReportWindow(TODAY.minusDays(365), TODAY);
        ReportPlan p = ReportPlanner.flows(year, Aggregation.PER_DAY, Strategy.SERIES, 25, 50_000,
                ReportQuota.fixed(225, null), null);
        assertThat(p.reportCalls()).isEqualTo(7);
        assertThat(p.calls()).allSatisfy(w -> assertThat(w.days()).isLessThanOrEqualTo(60));
        assertThat(p.calls().getFirst().first()).isEqualTo(year.first());
        assertThat(p.calls().getLast().end()).isEqualTo(year.end());
        assertThat(p.rowEstimate()).isEqualTo(25 * 365);
        assertThat(p.calls()).allSatisfy(w -> assertThat(w.timeframe()).isNotNull()); // within Klaviyo's limits
    }

    @Test
    void range_over_two_years_is_one_values_call_per_year() {
        ReportWindow twoYears = new ReportWindow(TODAY.minusDays(730), TODAY);
        ReportPlan p = ReportPlanner.flows(twoYears, Aggregation.RANGE, Strategy.SERIES, 25, 50_000,
                ReportQuota.fixed(225, null), null);
        assertThat(p.shape()).isEqualTo(ReportPlan.Shape.VALUES_RANGE);
        assertThat(p.reportCalls()).isEqualTo(2);
        assertThat(p.rowEstimate()).isEqualTo(25);
    }

    @Test
    void auto_falls_back_to_range_when_per_day_passes_the_row_budget() {
        ReportPlan p = ReportPlanner.flows(new ReportWindow(TODAY.minusDays(365), TODAY), Aggregation.AUTO, Strategy.SERIES,
                200, 50_000, ReportQuota.fixed(225, null), null);
        assertThat(p.shape()).isEqualTo(ReportPlan.Shape.VALUES_RANGE);
        assertThat(List.of(p.choice())).allSatisfy(c -> assertThat(c).contains("budget 50000"));
    }
}
