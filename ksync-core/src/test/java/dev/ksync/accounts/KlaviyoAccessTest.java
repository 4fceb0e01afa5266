package dev.ksync.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ksync.config.AppConfig;
import dev.ksync.config.Secret;
import dev.ksync.error.KsyncException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KlaviyoAccessTest {
    private static final AccountId ACME = new AccountId("acme");

    private static KlaviyoAccess access(Map<String, String> env) {
        return new KlaviyoAccess(AppConfig.load(env).klaviyo(),
                id -> id.equals(ACME) ? Optional.of(new Secret("pk_registered_acme")) : Optional.empty(),
                Clock.systemUTC());
    }

    @Test
    void a_registered_account_key_wins_then_the_request_key_then_the_environment() {
        try (KlaviyoAccess k = access(Map.of("KLAVIYO_API_KEY_PRIVATE", "pk_from_environment"))) {
            var registered = k.client(Optional.of(ACME), Optional.of(new Secret("pk_from_request")));
            assertThat(registered).isSameAs(k.client(Optional.empty(), Optional.of(new Secret("pk_registered_acme"))));
            var fromRequest = k.client(Optional.of(new AccountId("other")), Optional.of(new Secret("pk_from_request")));
            assertThat(fromRequest).isNotSameAs(registered);
            var fromEnv = k.client(Optional.of(new AccountId("other")), Optional.empty());
            assertThat(fromEnv).isSameAs(k.client(Optional.empty(), Optional.of(new Secret("pk_from_environment"))));
            assertThat(fromEnv).as("one client per key, shared by every request on it")
                    .isSameAs(k.client(Optional.empty(), Optional.empty()));
        }
    }

    @Test
    void no_key_anywhere_is_a_400_naming_klaviyoApiKey() {
        try (KlaviyoAccess k = access(Map.of())) {
            assertThatThrownBy(() -> k.client(Optional.of(new AccountId("other")), Optional.empty()))
                    .isInstanceOfSatisfying(KsyncException.class,
                            e -> assertThat(e.details()).containsEntry("field", "klaviyoApiKey"));
            assertThatThrownBy(() -> k.client(Optional.empty(), Optional.of(new Secret("pk with spaces"))))
                    .isInstanceOf(KsyncException.class).hasMessageNotContaining("pk with spaces");
        }
    }
}
