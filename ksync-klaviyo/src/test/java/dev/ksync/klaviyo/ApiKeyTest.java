package dev.ksync.klaviyo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiKeyTest {
    @Test
    void a_fingerprint_is_stable_distinct_per_key_and_reveals_nothing_of_it() {
        ApiKey a = ApiKey.of("pk_0123456789abcdef0123456789abcdef01");
        assertThat(a.fingerprint()).matches("[0-9a-f]{32}").isEqualTo(ApiKey.of("pk_0123456789abcdef0123456789abcdef01").fingerprint());
        assertThat(a.fingerprint()).isNotEqualTo(ApiKey.of("pk_0123456789abcdef0123456789abcdef02").fingerprint());
        assertThat(a.fingerprint()).doesNotContain("0123456789abcdef");
    }
}
