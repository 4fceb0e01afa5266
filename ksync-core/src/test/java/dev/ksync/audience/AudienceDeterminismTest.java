package dev.ksync.audience;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parallel paging must not make output depend on which slice answered first. */
class AudienceDeterminismTest {
    @TempDir
    static Path storeRoot;

    static AudienceFixture fx;

    @BeforeAll
    static void start() {
        fx = new AudienceFixture(3000, storeRoot);
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    @Test
    void two_unsorted_whole_account_exports_of_the_same_sandbox_are_byte_identical() {
        var first = fx.export("{'source':'klaviyo','schema':'extended'}");
        var second = fx.export("{'source':'klaviyo','schema':'extended'}");
        var calls = first.result().diagnostics().klaviyoCalls();
        assertThat(calls.endpoint("get_profiles").calls()).as("paged in parallel slices").isGreaterThan(8);
        assertThat(second.raw()).isEqualTo(first.raw());
        assertThat(second.result().csvPreview()).isEqualTo(first.result().csvPreview());
        // the slices one after the other: the account in created order
        List<String> created = first.column("Profile Created On");
        assertThat(created).hasSizeGreaterThan(2000).isSortedAccordingTo(Comparator.naturalOrder());
    }
}
