package dev.ksync.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.accounts.AccountId;
import dev.ksync.config.Secret;
import dev.ksync.http.TestRig;
import dev.ksync.sandbox.FaultKind;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Issue 13, acceptance 3: in headless Chromium the backfill manager takes the admin secret, starts a test backfill of
 * the sandbox account from its button, shows the bar reach 100 %, and shows a day's orders exactly as the API has
 * them; then exports CSV through the header, and keeps the secret out of every URL.
 */
class BackfillManagerPageTest {
    private static final String SECRET = "page-secret-4711";
    private static final ObjectMapper json = new ObjectMapper();
    private static final HttpClient http = HttpClient.newHttpClient();

    @RegisterExtension
    static final TestRig rig = TestRig.api().secret(SECRET)
            .env("KSYNC_SCHEDULER_POLL_S", "1").env("KSYNC_SCHEDULER_HEARTBEAT_S", "1")
            .sandbox(SandboxOptions.defaults().withProfiles(1500).withHistoryDays(60).withRateLimits(RateLimitMode.OFF));

    @BeforeAll
    static void accounts() {
        rig.ksync().accounts().add(new AccountId("acme"), "Acme Shoes", new Secret(TestRig.SANDBOX_KEY));
        rig.ksync().scheduler().start();
    }

    @AfterAll
    static void stop() {
        rig.ksync().scheduler().close();
    }

    private static JsonNode api(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(rig.uri(path)).header("x-admin-job-secret", SECRET)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }

    /** Waits for what a running backfill does by itself (the page polls the API), at most {@code seconds}. */
    private static <T> T await(WebDriver d, int seconds, Function<WebDriver, T> condition) {
        return new WebDriverWait(d, Duration.ofSeconds(seconds), Duration.ofMillis(200))
                .ignoring(StaleElementReferenceException.class).until(condition::apply);
    }

    private static By card(String id) {
        return By.cssSelector("article.account[data-client-id='" + id + "']");
    }

    private static void click(WebDriver d, String id, String action) {
        await(d, 30, x -> {
            WebElement b = x.findElement(card(id)).findElement(By.cssSelector("button[data-action='" + action + "']"));
            if (!b.isEnabled()) return null;
            b.click();
            return true;
        });
    }

    /** Picks {@code value} in the select {@code id}, found again should the page have replaced it meanwhile. */
    private static void choose(WebDriver d, String id, String value) {
        await(d, 30, x -> {
            new Select(x.findElement(By.id(id))).selectByValue(value);
            return true;
        });
    }

    /** Picks {@code date} from the viewer's list of days with orders and waits for its orders to show. */
    private static void showDay(WebDriver d, String date) {
        await(d, 30, x -> new Select(x.findElement(By.id("day-select"))).getOptions().stream()
                .anyMatch(o -> date.equals(o.getAttribute("value"))) ? true : null);
        choose(d, "day-select", date);
        await(d, 30, x -> date.equals(x.findElement(By.id("orders")).getAttribute("data-date")) ? true : null);
    }

    @Test
    void a_test_backfill_started_from_the_page_reaches_100_percent_and_shows_a_days_orders_as_the_api_does()
            throws Exception {
        try (Browser browser = Browser.open(1440, 900)) {
            WebDriver d = browser.driver();
            d.get(rig.uri("/static/backfill_manager.html").toString());
            d.findElement(By.id("secret")).sendKeys(SECRET);
            d.findElement(By.id("secret-save")).click();
            WebElement acme = browser.await(x -> x.findElement(card("acme")));
            assertThat(acme.getAttribute("data-status")).isEqualTo("not_started");
            assertThat(acme.findElement(By.cssSelector("button[data-action='cancel']")).isEnabled()).isFalse();

            click(d, "acme", "start-test");
            // a poll (every second while it runs) leaves the viewer's account list as it is: one open stays open
            WebElement listed = d.findElement(By.cssSelector("#viewer-account option[value='acme']"));
            String polled = d.findElement(By.id("refreshed")).getText();
            await(d, 30, x -> polled.equals(x.findElement(By.id("refreshed")).getText()) ? null : true);
            assertThatCode(listed::isSelected).as("the listed account after a poll").doesNotThrowAnyException();
            // the bar moves while the days commit, and stops at 100 % when the backfill completes
            await(d, 180, x -> "completed".equals(x.findElement(card("acme")).getAttribute("data-status")));
            WebElement bar = d.findElement(card("acme")).findElement(By.cssSelector(".progress"));
            assertThat(bar.getAttribute("aria-valuenow")).isEqualTo("100");
            assertThat(bar.getText()).isEqualTo("100.0 %");
            assertThat(d.findElement(card("acme")).getText()).contains("7 / 7 days");
            JsonNode status = api("/api/backfill/status/acme");
            assertThat(status.path("status").asText()).isEqualTo("completed");
            assertThat(status.path("test_mode").asBoolean()).isTrue();
            // after completion: Start, Start Test and Clear, but neither Retry nor Cancel
            assertThat(d.findElement(card("acme")).findElement(By.cssSelector("button[data-action='retry']"))
                    .isEnabled()).isFalse();

            ((JavascriptExecutor) d).executeScript("window.scrollTo(0, 0)");
            browser.screenshot(Path.of("target", "screenshots", "backfill_manager_progress.png"));

            // the busiest day, chosen from the page's list of days with orders
            JsonNode summary = api("/api/backfill/data/acme/summary");
            assertThat(summary.path("days").size()).as("the sandbox has orders in the last 7 days").isPositive();
            JsonNode busiest = summary.path("days").get(0);
            for (JsonNode day : summary.path("days")) {
                if (day.path("orders").asInt() > busiest.path("orders").asInt()) busiest = day;
            }
            String date = busiest.path("date").asText();
            showDay(d, date);

            JsonNode expected = api("/api/backfill/data/acme/orders?date=" + date + "&limit=1000");
            List<String> expectedIds = new ArrayList<>();
            List<String> expectedEmails = new ArrayList<>();
            for (JsonNode o : expected.path("orders")) {
                expectedIds.add(o.path("event_id").asText());
                expectedEmails.add(o.path("customer").path("email").asText(""));
            }
            List<WebElement> rows = d.findElements(By.cssSelector("#orders tbody tr[data-event-id]"));
            assertThat(rows).extracting(r -> r.getAttribute("data-event-id")).containsExactlyElementsOf(expectedIds);
            assertThat(rows).extracting(r -> r.findElements(By.tagName("td")).get(4).getText())
                    .containsExactlyElementsOf(expectedEmails);
            // times are the account's wall clock (its days are that zone's days), and the column says which zone
            String zone = status.path("timezone").asText("UTC");
            assertThat(d.findElement(By.id("orders-time")).getText()).isEqualTo("Time (" + zone + ")");
            DateTimeFormatter wall = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
            assertThat(rows).extracting(r -> r.findElements(By.tagName("td")).get(0).getText())
                    .containsExactlyElementsOf(expected.path("orders").findValues("time").stream()
                            .map(t -> Instant.parse(t.asText()).atZone(ZoneId.of(zone)).format(wall)).toList());
            assertThat(expectedIds).hasSize(busiest.path("orders").asInt());
            // attribution reads as the flow's or campaign's stored name; its id stays in the tooltip
            JsonNode named = null;
            int row = -1;
            for (int i = 0; i < rows.size(); i++) {
                JsonNode a = expected.path("orders").get(i).path("attribution");
                if (!a.path("name").isTextual()) continue;
                WebElement cell = rows.get(i).findElements(By.tagName("td")).get(7);
                assertThat(cell.findElement(By.cssSelector(".attr-name")).getText()).as(a.toString())
                        .isEqualTo(a.path("name").asText());
                assertThat(cell.getAttribute("title")).as(a.toString())
                        .contains(a.path("type").asText() + " " + a.path(a.path("type").asText()).asText());
                // an archived flow or campaign says so on the smaller line
                assertThat(cell.findElement(By.cssSelector(".small")).getText().contains("archived")).as(a.toString())
                        .isEqualTo(a.path("archived").asBoolean());
                if (named == null) {
                    named = a;
                    row = i;
                }
            }
            assertThat(named).as("an order of the day attributed to a stored flow or campaign").isNotNull();
            // the same flow or campaign no longer stored (as if deleted in Klaviyo): the page shows its id, labelled
            String type = named.path("type").asText();
            String id = named.path(type).asText();
            String table = type.equals("flow") ? "backfill_flows set flow_id = ? where flow_id = ?"
                    : "backfill_campaigns set campaign_id = ? where campaign_id = ?";
            var jdbi = rig.ksync().database().jdbi();
            jdbi.useHandle(h -> h.execute("update " + table + " and account_id = 'acme'", "gone-" + id, id));
            try {
                String other = summary.path("days").findValues("date").stream().map(JsonNode::asText)
                        .filter(x -> !x.equals(date)).findFirst().orElseThrow();
                showDay(d, other);
                showDay(d, date);
                WebElement cell = d.findElements(By.cssSelector("#orders tbody tr[data-event-id]")).get(row)
                        .findElements(By.tagName("td")).get(7);
                assertThat(cell.findElement(By.cssSelector(".attr-unknown")).getText())
                        .isEqualTo("unknown " + type + " " + id);
            } finally {
                jdbi.useHandle(h -> h.execute("update " + table + " and account_id = 'acme'", id, "gone-" + id));
            }

            // the summary shows the API's order count
            assertThat(d.findElement(By.cssSelector("#summary [data-role='orders'] .v")).getText().replace(",", ""))
                    .isEqualTo(summary.path("orders").asText());
            assertThat(d.findElement(By.cssSelector("[data-role='run-counts']")).getText())
                    .as("the card's figures say they are the run's").startsWith("this run: ");

            Path shot = browser.screenshot(Path.of("target", "screenshots", "backfill_manager.png"));
            assertThat(Files.size(shot)).isGreaterThan(10_000);

            // the CSV export goes through fetch with the header and is saved from a blob
            d.findElement(By.id("export-csv")).click();
            String saved = await(d, 30, x -> {
                String t = x.findElement(By.id("export-state")).getText();
                return t.startsWith("Saved ") ? t : null;
            });
            assertThat(saved).startsWith("Saved orders-acme-").contains(".csv");

            // Clear asks first: dismissing keeps the backfill
            click(d, "acme", "clear");
            d.switchTo().alert().dismiss();
            assertThat(api("/api/backfill/status/acme").path("status").asText()).isEqualTo("completed");

            assertThat(d.getCurrentUrl()).doesNotContain(SECRET);
            Object resources = ((JavascriptExecutor) d).executeScript(
                    "return performance.getEntriesByType('resource').map(e => e.name).join('\\n')");
            assertThat(String.valueOf(resources)).contains("/api/backfill/status").doesNotContain(SECRET);
            assertThat(browser.consoleErrors()).isEmpty();
        }
    }

    @Test
    void the_secret_typed_on_the_dashboard_serves_this_page_and_a_wait_on_klaviyo_reads_as_one() throws Exception {
        AccountId flaky = new AccountId("flaky");
        rig.ksync().accounts().add(flaky, "Flaky", new Secret(TestRig.SANDBOX_KEY));
        try (Browser browser = Browser.open(1440, 900)) {
            WebDriver d = browser.driver();
            d.get(rig.uri("/").toString());
            browser.await(x -> x.findElement(By.id("secret")).isDisplayed());
            d.findElement(By.id("secret")).sendKeys(SECRET);
            d.findElement(By.cssSelector("#secret-form button")).click();
            browser.await(x -> x.findElements(By.cssSelector("#account option")).size() > 1);
            d.findElement(By.id("backfill-link")).click();
            // asked once: the backfill manager lists the accounts with the dashboard's secret
            browser.await(x -> x.findElement(card("flaky")));
            assertThat(d.findElement(By.id("secret-state")).getText()).isEqualTo("accepted");

            // Klaviyo answers 503 past the client's retries: the backfill waits, and the page says so in words
            rig.sandbox().injectFaults(FaultKind.UNAVAILABLE_503, 6, "get_events");
            click(d, "flaky", "start-test");
            WebElement badge = await(d, 120, x -> {
                WebElement b = x.findElement(card("flaky")).findElement(By.cssSelector("[data-role='status']"));
                return "waiting".equals(b.getText()) ? b : null;
            });
            assertThat(badge.getAttribute("class")).contains("waiting");
            WebElement c = d.findElement(card("flaky"));
            assertThat(c.findElement(By.cssSelector(".progress")).getAttribute("class")).contains("waiting");
            assertThat(c.findElement(By.cssSelector("[data-role='waiting']")).getText())
                    .matches("Klaviyo unavailable — retrying in about \\d+ min \\(\\d\\d:\\d\\d UTC\\)");
            assertThat(c.findElement(By.cssSelector("[data-role='errors']")).getText())
                    .doesNotContainPattern("\\d\\.\\d+Z").containsPattern("\\d\\d:\\d\\d:\\d\\d UTC\\)");
            assertThat(c.getText()).as("no revenue without a currency").doesNotContain("0.00");

            // nothing stored yet: the viewer says so instead of showing the planned range
            choose(d, "viewer-account", "flaky");
            await(d, 30, x -> "none stored yet".equals(x.findElement(By.cssSelector("#summary [data-role='range'] .v"))
                    .getText()) ? true : null);
            ((JavascriptExecutor) d).executeScript("window.scrollTo(0, 0)");
            browser.screenshot(Path.of("target", "screenshots", "backfill_manager_waiting.png"));

            click(d, "flaky", "cancel");
            await(d, 30, x -> "cancelled".equals(x.findElement(card("flaky")).getAttribute("data-status")) ? true : null);
            d.findElement(By.id("dashboard-link")).click();
            browser.await(x -> x.findElements(By.cssSelector("#account option[value='flaky']")).size() == 1);
            assertThat(d.findElement(By.id("secret-form")).isDisplayed()).isFalse();
            assertThat(browser.consoleErrors()).isEmpty();
        } finally {
            if (rig.ksync().backfill().status(flaky).running()) rig.ksync().backfill().cancel(flaky);
        }
    }

    @Test
    void on_a_phone_width_the_page_fits_without_sideways_scrolling() throws Exception {
        try (Browser browser = Browser.open(390, 844)) {
            WebDriver d = browser.driver();
            d.get(rig.uri("/static/backfill_manager.html").toString());
            d.findElement(By.id("secret")).sendKeys(SECRET);
            d.findElement(By.id("secret-save")).click();
            browser.await(x -> x.findElement(card("acme")));
            Object overflow = ((JavascriptExecutor) d).executeScript(
                    "return document.documentElement.scrollWidth - window.innerWidth");
            assertThat(((Number) overflow).intValue()).isLessThanOrEqualTo(0);
            browser.screenshot(Path.of("target", "screenshots", "backfill_manager_phone.png"));
            assertThat(browser.consoleErrors()).isEmpty();
        }
    }
}
