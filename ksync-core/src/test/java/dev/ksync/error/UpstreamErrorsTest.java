package dev.ksync.error;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ksync.klaviyo.error.Blame;
import dev.ksync.klaviyo.error.KlaviyoException;
import dev.ksync.klaviyo.report.ReportRefused;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class UpstreamErrorsTest {
    private static final Instant T = Instant.parse("2026-12-02T00:00:00Z");

    @Test
    void a_rejected_key_is_an_upstream_failure_the_user_fixes_and_never_retried_as_is() {
        KsyncException e = UpstreamErrors.from(new KlaviyoException.Unauthorized("get_profiles", "not_authenticated", "bad"));
        assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM);
        assertThat(e.blame()).isEqualTo(Blame.USER);
        assertThat(e.blame().retryable()).isFalse();
        assertThat(e.retryAt()).isEmpty();
        assertThat(e.getMessage()).contains("check the account's private API key");
    }

    @Test
    void an_under_scoped_key_is_the_users_to_fix_and_names_the_scope() {
        KsyncException e = UpstreamErrors.from(new KlaviyoException.Forbidden("get_flows", "permission_denied", null, "flows:read"));
        assertThat(e.blame()).isEqualTo(Blame.USER);
        assertThat(e.getMessage()).contains("'flows:read'");
    }

    @Test
    void throttling_and_the_daily_cap_carry_when_a_retry_may_succeed() {
        KsyncException limited = UpstreamErrors.from(new KlaviyoException.RateLimited("get_profiles", "throttled", null, T));
        KsyncException capped = UpstreamErrors.from(new KlaviyoException.DailyCapReached("query_flow_series", 225, T));
        for (KsyncException e : new KsyncException[] {limited, capped}) {
            assertThat(e.blame()).isEqualTo(Blame.EXTERNAL);
            assertThat(e.blame().retryable()).isTrue();
            assertThat(e.retryAt()).contains(T);
            assertThat(e.details()).containsEntry("resumeAt", T.toString());
        }
        assertThat(capped.kind()).isEqualTo(ErrorKind.RATE_LIMITED);
        assertThat(capped.code()).isEqualTo("report_quota_exhausted");
        assertThat(capped.details()).containsEntry("remaining", 0).containsEntry("resetsAt", T.toString());
    }

    @Test
    void klaviyo_failing_is_retryable_with_the_callers_own_backoff() {
        KsyncException e = UpstreamErrors.from(new KlaviyoException.Upstream("get_events", 503, null, null, 4));
        assertThat(e.blame().retryable()).isTrue();
        assertThat(e.retryAt()).isEmpty();
    }

    @Test
    void a_report_klaviyo_would_refuse_is_bad_input_before_any_call() {
        KsyncException e = UpstreamErrors.translate(new ReportRefused("rule text", "monthly over 53 weeks")).orElseThrow();
        assertThat(e.kind()).isEqualTo(ErrorKind.BAD_INPUT);
        assertThat(e.blame()).isEqualTo(Blame.USER);
        assertThat(e.details()).containsEntry("rule", "rule text");
    }

    @Test
    void anything_else_is_not_translated_so_the_doors_report_a_bug() {
        assertThat(UpstreamErrors.translate(new IllegalStateException("x"))).isEmpty();
    }

    @Test
    void kinds_default_their_blame_and_an_exception_can_say_when_it_clears() {
        KsyncException quota = new KsyncException(ErrorKind.RATE_LIMITED, "report_quota_exhausted", "m", null, null)
                .withRetryAt(T);
        assertThat(quota.blame()).isEqualTo(Blame.EXTERNAL);
        assertThat(quota.retryAt()).contains(T);
        assertThat(quota.code()).isEqualTo("report_quota_exhausted");
        assertThat(KsyncException.badInput("days", 0, "1 to 30").blame()).isEqualTo(Blame.USER);
    }
}
