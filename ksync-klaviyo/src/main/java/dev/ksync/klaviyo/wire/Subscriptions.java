package dev.ksync.klaviyo.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@code attributes.subscriptions} of a profile: e-mail and SMS consent, suppressions. */
public record Subscriptions(EmailMarketing emailMarketing, SmsConsent smsMarketing, SmsConsent smsTransactional) {

    /** {@code consent} is a free string: SUBSCRIBED, UNSUBSCRIBED, NEVER_SUBSCRIBED… */
    public record EmailMarketing(String consent, Boolean canReceiveEmailMarketing, Instant consentTimestamp,
                                 Instant lastUpdated, String method, String methodDetail, String customMethodDetail,
                                 Boolean doubleOptin, List<Suppression> suppression,
                                 List<ListSuppression> listSuppressions) {
        public EmailMarketing {
            suppression = List.copyOf(suppression);
            listSuppressions = List.copyOf(listSuppressions);
        }

        static EmailMarketing from(JsonNode m) {
            if (m == null) return null;
            List<Suppression> sup = new ArrayList<>();
            JsonNode s = m.get("suppression");
            if (s != null && s.isArray()) s.forEach(x -> sup.add(new Suppression(Nodes.text(x, "reason"), Nodes.time(x, "timestamp"))));
            else if (s != null && s.isObject()) sup.add(new Suppression(Nodes.text(s, "reason"), Nodes.time(s, "timestamp")));
            List<ListSuppression> ls = new ArrayList<>();
            JsonNode l = m.get("list_suppressions");
            if (l != null && l.isArray()) l.forEach(x -> ls.add(new ListSuppression(Nodes.text(x, "list_id"),
                    Nodes.text(x, "reason"), Nodes.time(x, "timestamp"))));
            return new EmailMarketing(Nodes.text(m, "consent"), Nodes.bool(m, "can_receive_email_marketing"),
                    Nodes.time(m, "consent_timestamp"), Nodes.time(m, "last_updated"), Nodes.text(m, "method"),
                    Nodes.text(m, "method_detail"), Nodes.text(m, "custom_method_detail"),
                    Nodes.bool(m, "double_optin"), sup, ls);
        }

        /** True when a global suppression (bounce, spam, unsubscribe, manual) blocks e-mail marketing. */
        public boolean suppressed() {
            return !suppression.isEmpty();
        }
    }

    /** reason ∈ HARD_BOUNCE, INVALID_EMAIL, SPAM_COMPLAINT, UNSUBSCRIBE, USER_SUPPRESSED. */
    public record Suppression(String reason, Instant timestamp) {}

    public record ListSuppression(String listId, String reason, Instant timestamp) {}

    public record SmsConsent(String consent, Boolean canReceive, Instant consentTimestamp, String method,
                             String methodDetail, Instant lastUpdated) {
        static SmsConsent from(JsonNode m, String canField) {
            if (m == null) return null;
            return new SmsConsent(Nodes.text(m, "consent"), Nodes.bool(m, canField), Nodes.time(m, "consent_timestamp"),
                    Nodes.text(m, "method"), Nodes.text(m, "method_detail"), Nodes.time(m, "last_updated"));
        }
    }

    static Subscriptions from(JsonNode s) {
        if (s == null) return null;
        return new Subscriptions(EmailMarketing.from(Nodes.node(s, "email", "marketing")),
                SmsConsent.from(Nodes.node(s, "sms", "marketing"), "can_receive_sms_marketing"),
                SmsConsent.from(Nodes.node(s, "sms", "transactional"), "can_receive_sms_transactional"));
    }
}
