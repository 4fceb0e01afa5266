package dev.ksync.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ksync.config.AppConfig;
import dev.ksync.config.Secret;
import dev.ksync.error.KsyncException;
import dev.ksync.klaviyo.ApiKey;
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
            Optional<Secret> requestKey = Optional.of(new Secret("pk_from_request"));
            assertThat(k.resolveKey(Optional.of(ACME), requestKey)).isEqualTo(ApiKey.of("pk_registered_acme"));
            assertThat(k.resolveKey(Optional.of(new AccountId("other")), requestKey))
                    .isEqualTo(ApiKey.of("pk_from_request"));
            assertThat(k.resolveKey(Optional.of(new AccountId("other")), Optional.empty()))
                    .isEqualTo(ApiKey.of("pk_from_environment"));
        }
    }

    @Test
    void each_job_gets_its_own_client() {
        try (KlaviyoAccess k = access(Map.of("KLAVIYO_API_KEY", "pk_from_environment"))) {
            assertThat(k.client(Optional.empty(), Optional.empty())).isNotSameAs(k.client(Optional.empty(), Optional.empty()));
        }
    }

    @Test
    void no_key_anywhere_is_a_400_naming_klaviyoApiKey() {
        try (KlaviyoAccess k = access(Map.of())) {
            assertThatThrownBy(() -> k.client(Optional.empty(), Optional.empty()))
                    .isInstanceOfSatisfying(KsyncException.class,
                            e -> assertThat(e.details()).containsEntry("field", "klaviyoApiKey"));
            assertThatThrownBy(() -> k.client(Optional.empty(), Optional.of(new Secret("pk with spaces"))))
                    .isInstanceOf(KsyncException.class).hasMessageNotContaining("pk with spaces");
        }
    }

    @Test
    void an_account_that_is_not_registered_and_brings_no_key_is_not_found_not_a_missing_key() {
        try (KlaviyoAccess k = access(Map.of())) {
            assertThatThrownBy(() -> k.client(Optional.of(new AccountId("nosuch")), Optional.empty()))
                    .isInstanceOfSatisfying(KsyncException.class, e -> {
                        assertThat(e.kind()).isEqualTo(dev.ksync.error.ErrorKind.NOT_FOUND);
                        assertThat(e.getMessage()).startsWith("account 'nosuch' is not registered (see ksync accounts"
                                + " list, or GET /api/accounts); to use it only as a storage label, give a Klaviyo key")
                                .doesNotContain("klaviyoApiKey");
                        assertThat(e.details()).containsEntry("resource", "account").containsEntry("id", "nosuch");
                    });
        }
    }
}
