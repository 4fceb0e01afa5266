package dev.ksync.campaigns;

import dev.ksync.accounts.AccountId;
import dev.ksync.config.Secret;
import dev.ksync.error.KsyncException;
import dev.ksync.reporting.ReportRequest;
import dev.ksync.reporting.ReportRequestBuilder;
import dev.ksync.reporting.RequestChecks;
import dev.ksync.reporting.WindowSpec;
import dev.ksync.store.UploadId;
import dev.ksync.sync.Format;
import dev.ksync.sync.Mode;
import dev.ksync.sync.SyncRequest;
import java.util.Optional;

/**
 * A validated campaign-sync request (campaigns.csv): {@code timeframeKey} (default {@value #DEFAULT_KEY}) or
 * {@code start}+{@code end}, the channel, a cap on campaigns and the conversion metric. Built with {@link #builder()}
 * by any door; the compact constructor refuses a bad field with a 400 naming it.
 *
 * @param limitCampaigns at most this many campaigns (the first by send time, then id)
 * @param overwrite      whether a live run may replace an object with other content under its key
 */
public record CampaignSyncRequest(
        Mode mode,
        Format format,
        WindowSpec window,
        Channel channel,
        Optional<Integer> limitCampaigns,
        Optional<String> conversionMetricId,
        boolean debug,
        Optional<AccountId> accountId,
        Optional<UploadId> uploadId,
        Optional<Secret> klaviyoApiKey,
        boolean overwrite) implements ReportRequest {

    /** Klaviyo lists campaigns one channel at a time. */
    public enum Channel {
        EMAIL, SMS;

        public String wire() { return name().toLowerCase(); }
    }

    public static final String DEFAULT_KEY = "last_30_days";
    public static final int MAX_LIMIT_CAMPAIGNS = 10_000;

    public CampaignSyncRequest {
        mode = RequestChecks.required("mode", mode, "dry-run or live");
        format = RequestChecks.required("format", format, "json or csv");
        window = window == null || window.isEmpty() ? WindowSpec.key(DEFAULT_KEY) : window;
        if (window.days().isPresent()) {
            throw KsyncException.badInput("days", window.days().get(), "not for campaigns: timeframeKey or start+end");
        }
        channel = RequestChecks.required("channel", channel, "email or sms");
        limitCampaigns = RequestChecks.orEmpty(limitCampaigns);
        RequestChecks.range("limitCampaigns", limitCampaigns, 1, MAX_LIMIT_CAMPAIGNS);
        conversionMetricId = RequestChecks.orEmpty(conversionMetricId);
        RequestChecks.metricId("conversionMetricId", conversionMetricId);
        accountId = RequestChecks.orEmpty(accountId);
        uploadId = RequestChecks.orEmpty(uploadId);
        klaviyoApiKey = RequestChecks.orEmpty(klaviyoApiKey).filter(k -> !k.value().isBlank());
        SyncRequest.requireAccountWhenLive(mode, accountId);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults: dry-run, json, last_30_days, email, no cap. */
    public static final class Builder extends ReportRequestBuilder<Builder> {
        private Channel channel = Channel.EMAIL;
        private Integer limitCampaigns;

        private Builder() {}

        public Builder channel(Channel c) { this.channel = c; return this; }
        public Builder limitCampaigns(Integer n) { this.limitCampaigns = n; return this; }

        public CampaignSyncRequest build() {
            return new CampaignSyncRequest(mode, format, window, channel, Optional.ofNullable(limitCampaigns),
                    Optional.ofNullable(conversionMetricId), debug, Optional.ofNullable(accountId),
                    Optional.ofNullable(uploadId), Optional.ofNullable(klaviyoApiKey), overwrite);
        }
    }
}
