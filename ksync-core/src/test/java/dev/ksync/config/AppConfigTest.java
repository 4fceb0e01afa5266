package dev.ksync.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AppConfigTest {

    @Test
    void empty_environment_gives_the_documented_defaults() {
        AppConfig c = AppConfig.load(Map.of());
        assertThat(c.http().port()).isEqualTo(3000);
        assertThat(c.http().maxBodyBytes()).isEqualTo(10L * 1024 * 1024);
        assertThat(c.http().adminJobSecret()).isEmpty();
        assertThat(c.dataDir()).isEqualTo(Path.of("./data").toAbsolutePath().normalize());
        assertThat(c.database().embedded()).isTrue();
        assertThat(c.secretKey()).isEmpty();
        assertThat(c.storage().s3()).isEmpty();
        assertThat(c.storage().buckets()).isEqualTo(
                new AppConfig.Buckets("audience-staging", "flow-staging", "campaign-staging", "data-ingest"));
        assertThat(c.klaviyo().enabled()).isFalse();
        assertThat(c.klaviyo().baseUrl()).isEqualTo(URI.create("https://a.klaviyo.com"));
        assertThat(c.klaviyo().revision()).isEqualTo("2026-07-15");
        assertThat(c.klaviyo().apiKey()).isEmpty();
        assertThat(c.klaviyo().globalBurst()).isEmpty();
        assertThat(c.klaviyo().globalPerMinute()).isEmpty();
        assertThat(c.klaviyo().placedOrderMetricId()).isEmpty();
        assertThat(c.klaviyo().rateScale()).isEqualTo(1);
        assertThat(c.jobs().flowRowBudget()).isEqualTo(50_000);
        assertThat(c.jobs().maxDuration()).isEqualTo(java.time.Duration.ofSeconds(800));
        assertThat(c.jobs().retentionDays()).isEqualTo(30);
        assertThat(c.jobs().patchDays()).isEqualTo(6);
        assertThat(c.jobs().backfillRefreshDays()).isEqualTo(14);
        assertThat(c.alerts().webhookUrl()).isEmpty();
        assertThat(c.logging()).isEqualTo(new LogSettings(LogSettings.Format.TEXT, LogSettings.Level.INFO));
    }

    @Test
    void every_variable_maps_to_its_setting() {
        AppConfig c = AppConfig.load(Map.ofEntries(
                Map.entry("PORT", "8081"),
                Map.entry("KSYNC_MAX_BODY_BYTES", "2048"),
                Map.entry("ADMIN_JOB_SECRET", "adm"),
                Map.entry("KSYNC_DATA_DIR", "/tmp/ksync-x"),
                Map.entry("DATABASE_URL", "postgres://u:p@db:5432/k"),
                Map.entry("KSYNC_SECRET_KEY", "0123456789abcdef0123"),
                Map.entry("AUDIENCE_STAGING_BUCKET", "aud"),
                Map.entry("FLOW_STAGING_BUCKET", "flo"),
                Map.entry("CAMPAIGN_STAGING_BUCKET", "cam"),
                Map.entry("PREAUTH_BUCKET", "pre"),
                Map.entry("S3_ENDPOINT", "http://127.0.0.1:9000"),
                Map.entry("S3_ACCESS_KEY_ID", "ak"),
                Map.entry("S3_SECRET_ACCESS_KEY", "sk"),
                Map.entry("KLAVIYO_ENABLE", "true"),
                Map.entry("KLAVIYO_BASE_URL", "http://127.0.0.1:8090"),
                Map.entry("KLAVIYO_API_REVISION", "2026-04-15"),
                Map.entry("KLAVIYO_API_KEY", "pk_fallback"),
                Map.entry("KLAVIYO_API_KEY_PRIVATE", "pk_private"),
                Map.entry("KLAVIYO_LIMIT_GLOBAL_BURST", "5"),
                Map.entry("KLAVIYO_LIMIT_GLOBAL_PER_MINUTE", "100"),
                Map.entry("SHOPIFY_PLACED_ORDER_METRIC_ID", "M1"),
                Map.entry("KLAVIYO_RATE_SCALE", "60"),
                Map.entry("FLOW_ROW_BUDGET", "10"),
                Map.entry("KSYNC_MAX_DURATION_S", "120"),
                Map.entry("KSYNC_RETENTION_DAYS", "7"),
                Map.entry("KSYNC_PATCH_DAYS", "3"),
                Map.entry("KSYNC_BACKFILL_REFRESH_DAYS", "0"),
                Map.entry("KSYNC_INGEST_LOOKBACK_MINUTES", "90"),
                Map.entry("KSYNC_INGEST_KEEP_LINKS", "true"),
                Map.entry("KSYNC_LOG_FORMAT", "json"),
                Map.entry("KSYNC_LOG_LEVEL", "debug")));
        assertThat(c.http()).isEqualTo(new AppConfig.HttpSettings(8081, 2048, Optional.of(new Secret("adm")), 8, 2));
        assertThat(c.dataDir()).isEqualTo(Path.of("/tmp/ksync-x"));
        assertThat(c.database().url()).contains(new Secret("postgres://u:p@db:5432/k"));
        assertThat(c.storage().buckets().dataIngest()).isEqualTo("pre");
        assertThat(c.storage().buckets().audienceStaging()).isEqualTo("aud");
        AppConfig.S3Settings s3 = c.storage().s3().orElseThrow();
        assertThat(s3.endpoint()).contains(URI.create("http://127.0.0.1:9000"));
        assertThat(s3.region()).isEqualTo("us-east-1");
        assertThat(s3.pathStyle()).isTrue();
        assertThat(c.klaviyo().enabled()).isTrue();
        assertThat(c.klaviyo().apiKey()).contains(new Secret("pk_private"));
        assertThat(c.klaviyo().revision()).isEqualTo("2026-04-15");
        assertThat(c.klaviyo().globalBurst()).contains(5);
        assertThat(c.klaviyo().globalPerMinute()).contains(100);
        assertThat(c.klaviyo().placedOrderMetricId()).contains("M1");
        assertThat(c.klaviyo().rateScale()).isEqualTo(60);
        assertThat(c.jobs()).isEqualTo(new AppConfig.JobSettings(10, java.time.Duration.ofSeconds(120), 7, 3,
                "klaviyo_{accountId}", 0, java.time.Duration.ofMinutes(90), true));
        assertThat(c.logging()).isEqualTo(new LogSettings(LogSettings.Format.JSON, LogSettings.Level.DEBUG));
    }

    @Test
    void log_format_and_level_are_read_in_any_case() {
        assertThat(AppConfig.load(Map.of("KSYNC_LOG_FORMAT", "Json", "KSYNC_LOG_LEVEL", "WARN")).logging())
                .isEqualTo(new LogSettings(LogSettings.Format.JSON, LogSettings.Level.WARN));
        assertThat(AppConfig.load(Map.of("KSYNC_LOG_FORMAT", "TEXT", "KSYNC_LOG_LEVEL", "trace")).logging())
                .isEqualTo(new LogSettings(LogSettings.Format.TEXT, LogSettings.Level.TRACE));
    }

    @Test
    void a_bad_log_format_or_level_is_a_problem_for_the_start_but_logging_falls_back_to_the_defaults() {
        Map<String, String> env = Map.of("KSYNC_LOG_FORMAT", "jsonl", "KSYNC_LOG_LEVEL", "verbose", "PORT", "eighty");
        assertThatThrownBy(() -> AppConfig.load(env))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).containsExactly(
                            "PORT is not a whole number; allowed: a whole number from 0 to 65535",
                            "KSYNC_LOG_FORMAT is invalid; allowed: TEXT or JSON (any case)",
                            "KSYNC_LOG_LEVEL is invalid; allowed: TRACE, DEBUG, INFO, WARN or ERROR (any case)");
                    assertThat(e.getMessage()).doesNotContain("jsonl", "verbose", "eighty");
                });
        assertThat(LogSettings.orDefaults(env)).isEqualTo(LogSettings.DEFAULTS);
        assertThat(LogSettings.orDefaults(Map.of("KSYNC_LOG_FORMAT", " ", "KSYNC_LOG_LEVEL", "")))
                .isEqualTo(LogSettings.DEFAULTS);
        assertThat(LogSettings.orDefaults(Map.of("KSYNC_LOG_FORMAT", "json", "KSYNC_LOG_LEVEL", "bogus")))
                .isEqualTo(new LogSettings(LogSettings.Format.JSON, LogSettings.Level.INFO));
    }

    @Test
    void the_ingest_lookback_is_off_by_default_and_at_most_a_week() {
        assertThat(AppConfig.load(Map.of()).jobs().ingestLookback()).isZero();
        assertThatThrownBy(() -> AppConfig.load(Map.of("KSYNC_INGEST_LOOKBACK_MINUTES", "10081")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("KSYNC_INGEST_LOOKBACK_MINUTES is out of range; allowed: a whole number from 0 to 10080");
    }

    @Test
    void a_backfill_refresh_window_past_one_flow_report_is_refused_by_name() {
        assertThatThrownBy(() -> AppConfig.load(Map.of("KSYNC_BACKFILL_REFRESH_DAYS", "61")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("KSYNC_BACKFILL_REFRESH_DAYS is out of range; allowed: a whole number from 0 to 60");
        assertThatThrownBy(() -> AppConfig.load(Map.of("KSYNC_BACKFILL_REFRESH_DAYS", "a week")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("KSYNC_BACKFILL_REFRESH_DAYS is not a whole number");
    }

    @Test
    void a_klaviyo_revision_older_than_the_requests_need_is_refused_by_name() {
        // the runbooks' 2024-06-15: Klaviyo would answer the events' page[size]=1000 with a 400
        assertThatThrownBy(() -> AppConfig.load(Map.of("KLAVIYO_API_REVISION", "2024-06-15")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("KLAVIYO_API_REVISION is older than ksync supports; allowed: a revision date"
                        + " from 2026-04-15 on, like 2026-07-15 (the default)");
        assertThatThrownBy(() -> AppConfig.load(Map.of("KLAVIYO_API_REVISION", "2026-13-45")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("KLAVIYO_API_REVISION is invalid; allowed");
        assertThat(AppConfig.load(Map.of("KLAVIYO_API_REVISION", "2026-10-15.pre")).klaviyo().revision())
                .isEqualTo("2026-10-15.pre");
    }

    @Test
    void data_ingest_bucket_wins_over_preauth_bucket() {
        AppConfig c = AppConfig.load(Map.of("DATA_INGEST_BUCKET", "ingest", "PREAUTH_BUCKET", "pre"));
        assertThat(c.storage().buckets().dataIngest()).isEqualTo("ingest");
    }

    @Test
    void schedules_default_to_the_documented_crons_in_utc_and_ingest_off() {
        AppConfig.ScheduleSettings s = AppConfig.load(Map.of()).schedules();
        assertThat(s.nightly().expression()).isEqualTo("5 3 * * *");
        assertThat(s.cleanup().expression()).isEqualTo("0 2 * * *");
        assertThat(s.ingest()).isEmpty();
        assertThat(s.threads()).isEqualTo(4);
        assertThat(s.deadAfter()).isEqualTo(java.time.Duration.ofMinutes(3));
        assertThat(s.nightly().next(java.time.Instant.parse("2025-09-16T03:05:00Z")))
                .isEqualTo(java.time.Instant.parse("2025-09-17T03:05:00Z"));
        AppConfig.ScheduleSettings six = AppConfig.load(Map.of("KSYNC_NIGHTLY_CRON", "*/2 * * * * *",
                "KSYNC_INGEST_CRON", "15 * * * *")).schedules();
        assertThat(six.nightly().next(java.time.Instant.parse("2025-09-16T03:05:00Z")))
                .isEqualTo(java.time.Instant.parse("2025-09-16T03:05:02Z"));
        assertThat(six.ingest()).map(Object::toString).contains("15 * * * *");
    }

    @Test
    void bad_schedules_are_reported_together_naming_each_variable_not_its_value() {
        assertThatThrownBy(() -> AppConfig.load(Map.of(
                "KSYNC_NIGHTLY_CRON", "61 3 * * *",
                "KSYNC_CLEANUP_CRON", "every night",
                "KSYNC_INGEST_CRON", "* * *",
                "KSYNC_SCHEDULER_THREADS", "0")))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).hasSize(4);
                    assertThat(e.getMessage())
                            .contains("KSYNC_NIGHTLY_CRON is invalid; allowed: a cron expression in UTC")
                            .contains("KSYNC_CLEANUP_CRON is invalid")
                            .contains("KSYNC_INGEST_CRON is invalid")
                            .contains("KSYNC_SCHEDULER_THREADS is out of range")
                            .doesNotContain("61 3", "every night");
                });
    }

    @Test
    void a_concurrency_limit_out_of_range_stops_the_start_naming_the_variable_and_its_range() {
        assertThatThrownBy(() -> AppConfig.load(Map.of(
                "KSYNC_MAX_CONCURRENT_INGESTS", "0", "KSYNC_MAX_CONCURRENT_UPDATES", "65")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("KSYNC_MAX_CONCURRENT_INGESTS is out of range; allowed: a whole number from 1 to 16")
                .hasMessageContaining("KSYNC_MAX_CONCURRENT_UPDATES is out of range; allowed: a whole number from 1 to 64");
    }

    @Test
    void ingest_schema_must_give_each_account_a_schema_of_its_own_and_is_reported_with_the_other_problems() {
        assertThat(AppConfig.load(Map.of()).jobs().ingestSchema()).isEqualTo("klaviyo_{accountId}");
        assertThat(AppConfig.load(Map.of("KSYNC_INGEST_SCHEMA", "raw_{accountId}_kl")).jobs().ingestSchema())
                .isEqualTo("raw_{accountId}_kl");
        assertThat(AppConfig.load(Map.of("KSYNC_INGEST_SCHEMA", "{accountId}")).jobs().ingestSchema()).isEqualTo("{accountId}");
        for (String bad : new String[] {"klaviyo_shared", "public", "pg_{accountId}", "klaviyo_{accountid}",
                "Klaviyo_{accountId}", "k\"{accountId}", "k-{accountId}", "k {accountId}", "1_{accountId}",
                "{accountId}_{accountId}"}) {
            assertThatThrownBy(() -> AppConfig.load(Map.of("KSYNC_INGEST_SCHEMA", bad, "PORT", "eighty")))
                    .as(bad).isInstanceOfSatisfying(ConfigException.class, e -> {
                        assertThat(e.problems()).hasSize(2);
                        assertThat(e.getMessage()).contains("KSYNC_INGEST_SCHEMA is invalid; allowed: lower-case letters,"
                                + " digits and '_' around {accountId} (required: each account its own schema)")
                                .contains("PORT is not a whole number");
                    });
        }
    }

    @Test
    void all_invalid_values_are_reported_together_each_naming_variable_and_allowed_values_never_the_value() {
        assertThatThrownBy(() -> AppConfig.load(Map.of(
                "PORT", "eighty",
                "KLAVIYO_ENABLE", "maybe",
                "KLAVIYO_BASE_URL", "ftp://x",
                "FLOW_ROW_BUDGET", "-1",
                "KSYNC_SECRET_KEY", "short",
                "AUDIENCE_STAGING_BUCKET", "Bad_Bucket")))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).hasSize(6);
                    assertThat(e.getMessage())
                            .contains("PORT is not a whole number; allowed: a whole number from 0 to 65535")
                            .contains("KLAVIYO_ENABLE is invalid; allowed: true or false")
                            .contains("KLAVIYO_BASE_URL is invalid; allowed: an http:// or https:// URL")
                            .contains("FLOW_ROW_BUDGET is out of range")
                            .contains("KSYNC_SECRET_KEY is too short")
                            .contains("AUDIENCE_STAGING_BUCKET is invalid")
                            .doesNotContain("eighty", "maybe", "ftp://x", "-1", "short'", "Bad_Bucket");
                });
    }

    @Test
    void a_database_url_without_a_secret_key_is_reported_with_the_other_problems() {
        assertThatThrownBy(() -> AppConfig.load(Map.of("DATABASE_URL", "postgres://u:p@db:5432/k", "PORT", "abc",
                "KSYNC_LOG_LEVEL", "x")))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).hasSize(3);
                    assertThat(e.getMessage()).contains("PORT is not a whole number", "KSYNC_LOG_LEVEL is invalid",
                            "KSYNC_SECRET_KEY is required when DATABASE_URL is set");
                });
    }

    @Test
    void point2_database_url_with_an_illegal_character_is_one_problem_naming_it_without_its_value() {
        assertThatThrownBy(() -> AppConfig.load(Map.of("DATABASE_URL", "postgres://u:pw_SECRET@127.0.0.1:1/d b",
                "KSYNC_SECRET_KEY", "0123456789abcdef0123")))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).hasSize(1);
                    assertThat(e.getMessage()).doesNotContain("\n", "pw_SECRET", "d b", "127.0.0.1")
                            .startsWith("Invalid configuration: DATABASE_URL is invalid: illegal character at position 36");
                });
        for (String bad : new String[] {"mysql://u:pw_SECRET@h/db", "postgres://u:pw_SECRET@bad_host/db",
                "postgres://u:pw_SECRET%zz@h/db"}) {
            assertThatThrownBy(() -> AppConfig.load(Map.of("DATABASE_URL", bad, "KSYNC_SECRET_KEY", "0123456789abcdef0123")))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("DATABASE_URL is invalid")
                    .hasMessageNotContaining("pw_SECRET");
        }
    }

    @Test
    void alert_webhook_url_is_kept_as_a_secret_and_must_be_http_or_https() {
        AppConfig c = AppConfig.load(Map.of("KSYNC_ALERT_WEBHOOK_URL", "https://hooks.example.com/a?token=tok_SECRET"));
        assertThat(c.alerts().webhookUrl()).contains(new Secret("https://hooks.example.com/a?token=tok_SECRET"));
        assertThat(c.toString()).doesNotContain("tok_SECRET", "hooks.example.com");
        for (String bad : new String[] {"ftp://hooks.example.com/tok_SECRET", "hooks.example.com/tok_SECRET",
                "https:///tok_SECRET"}) {
            assertThatThrownBy(() -> AppConfig.load(Map.of("KSYNC_ALERT_WEBHOOK_URL", bad)))
                    .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.getMessage())
                            .contains("KSYNC_ALERT_WEBHOOK_URL is invalid; allowed: an http:// or https:// URL")
                            .doesNotContain("tok_SECRET"));
        }
    }

    /** The problems of an environment that must not load. */
    private static java.util.List<String> problems(Map<String, String> env) {
        try {
            AppConfig.load(env);
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("loaded: " + env.keySet());
    }

    @Test
    void half_an_s3_credential_pair_is_refused_naming_both_variables_never_a_value() {
        assertThat(problems(Map.of("S3_ENDPOINT", "http://127.0.0.1:9000", "S3_ACCESS_KEY_ID", "AKIA_KEY_ID_VALUE")))
                .singleElement().asString().startsWith("S3_ACCESS_KEY_ID is set without S3_SECRET_ACCESS_KEY")
                .doesNotContain("AKIA_KEY_ID_VALUE");
        assertThat(problems(Map.of("S3_REGION", "eu-west-1", "S3_SECRET_ACCESS_KEY", "s3-very-secret")))
                .singleElement().asString().startsWith("S3_SECRET_ACCESS_KEY is set without S3_ACCESS_KEY_ID")
                .doesNotContain("s3-very-secret");
        // neither: the AWS default credential chain, as before
        assertThat(AppConfig.load(Map.of("S3_REGION", "eu-west-1")).storage().s3().orElseThrow().accessKeyId())
                .isEmpty();
    }

    @Test
    void a_malformed_s3_region_is_refused_and_other_services_region_names_pass() {
        assertThat(problems(Map.of("S3_ENDPOINT", "http://127.0.0.1:9000", "S3_REGION", "us east 1!!")))
                .singleElement().asString()
                .startsWith("S3_REGION is invalid; allowed: a region name of letters, digits, '-' and '_'")
                .doesNotContain("us east");
        for (String ok : new String[] {"us-east-1", "ap-southeast-2", "auto", "garage", "local_1"}) {
            assertThat(AppConfig.load(Map.of("S3_REGION", ok)).storage().s3().orElseThrow().region()).isEqualTo(ok);
        }
    }

    @Test
    void s3_settings_without_s3_selected_are_refused_instead_of_storing_on_the_filesystem() {
        assertThat(problems(Map.of("S3_ACCESS_KEY_ID", "AKIA_KEY_ID_VALUE", "S3_SECRET_ACCESS_KEY", "s3-very-secret")))
                .singleElement().asString()
                .startsWith("S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY are set but S3 is not selected")
                .contains("set S3_ENDPOINT or S3_REGION")
                .doesNotContain("AKIA_KEY_ID_VALUE", "s3-very-secret");
        assertThat(problems(Map.of("S3_PATH_STYLE", "true")))
                .singleElement().asString().startsWith("S3_PATH_STYLE is set but S3 is not selected");
    }

    @Test
    void s3_problems_are_reported_together_with_the_others() {
        assertThat(problems(Map.of("S3_ENDPOINT", "http://127.0.0.1:9000", "S3_REGION", "us east 1!!",
                "S3_ACCESS_KEY_ID", "AKIA_KEY_ID_VALUE", "PORT", "eighty"))).hasSize(3);
    }

    @Test
    void only_the_last_four_characters_of_a_long_secret_are_ever_shown() {
        assertThat(new Secret("pk_live_0123456789wxyz").last4()).isEqualTo("wxyz");
        assertThat(new Secret("abcd").last4()).isEqualTo("****");
        assertThat(new Secret("pk_12345").last4()).isEqualTo("****");
    }

    @Test
    void secrets_never_show_in_toString() {
        AppConfig c = AppConfig.load(Map.of(
                "ADMIN_JOB_SECRET", "admin-very-secret",
                "KSYNC_SECRET_KEY", "encryption-very-secret",
                "DATABASE_URL", "postgres://user:dbpassword@h/db",
                "KLAVIYO_API_KEY", "pk_live_very_secret",
                "S3_REGION", "eu-west-1",
                "S3_ACCESS_KEY_ID", "s3-key-id",
                "S3_SECRET_ACCESS_KEY", "s3-very-secret"));
        assertThat(c.toString())
                .doesNotContain("admin-very-secret", "encryption-very-secret", "dbpassword", "pk_live_very_secret",
                        "s3-very-secret")
                .contains("Secret[****]");
    }
}
