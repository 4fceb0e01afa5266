package dev.ksync.klaviyo.wire;

import com.fasterxml.jackson.databind.JsonNode;

/** GET /api/accounts: the account's identity and the timezone its reports use. */
public record Account(String id, String organizationName, String timezone, String preferredCurrency, String locale,
                      Boolean testAccount, String publicApiKey, JsonNode raw) {
    public static Account from(JsonNode r) {
        JsonNode a = r.path("attributes");
        return new Account(Nodes.text(r, "id"), Nodes.text(Nodes.node(a, "contact_information"), "organization_name"),
                Nodes.text(a, "timezone"), Nodes.text(a, "preferred_currency"), Nodes.text(a, "locale"),
                Nodes.bool(a, "test_account"), Nodes.text(a, "public_api_key"), r);
    }
}
