package dev.ksync.web;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ksync.http.TestRig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/** The browser kit itself: headless Chromium reaches the running API and saves a screenshot. */
class BrowserTest {
    @RegisterExtension
    static final TestRig rig = TestRig.api();

    @Test
    void headless_chromium_reads_the_health_answer_and_saves_a_screenshot() throws Exception {
        try (Browser browser = Browser.open(1024, 700)) {
            browser.driver().get(rig.uri("/health").toString());
            String body = browser.await(d -> {
                String text = d.findElement(By.tagName("body")).getText();
                return text.contains("status") ? text : null;
            });
            assertTrue(body.contains("\"ok\""), body);
            Path shot = browser.screenshot(Path.of("target", "screenshots", "health.png"));
            assertTrue(Files.size(shot) > 1000, "a PNG with content");
        }
    }
}
