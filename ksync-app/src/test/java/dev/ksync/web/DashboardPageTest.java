package dev.ksync.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.accounts.AccountId;
import dev.ksync.backfill.BackfillParams;
import dev.ksync.backfill.BackfillStatus;
import dev.ksync.config.Secret;
import dev.ksync.http.TestRig;
import dev.ksync.orchestrator.UpdateAnswer;
import dev.ksync.orchestrator.UpdateRequest;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.sync.Mode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * Issue 15, acceptance 1: after a live update and a 1-year backfill against the sandbox, the dashboard at {@code /} in
 * headless Chromium shows the API's totals, draws every chart, and fits a laptop and a phone (screenshots under
 * target/screenshots).
 */
class DashboardPageTest {
    private static final String SECRET = "page-secret";
    private static final ObjectMapper json = new ObjectMapper();

    @RegisterExtension
    static final TestRig rig = TestRig.api().secret(SECRET)
            .sandbox(SandboxOptions.defaults().withProfiles(1000).withRateLimits(RateLimitMode.scaled(60))).env("KLAVIYO_RATE_SCALE", "60");

    @BeforeAll
    static void demoData() throws Exception {
        var ksync = rig.ksync();
        AccountId acme = new AccountId("acme");
        ksync.accounts().add(new AccountId("beta"), "Beta (no data)", new Secret(TestRig.SANDBOX_KEY));
        ksync.accounts().add(acme, "Acme", new Secret(TestRig.SANDBOX_KEY));
        ksync.accounts().add(new AccountId("off"), "Off (disabled)", new Secret(TestRig.SANDBOX_KEY));
        ksync.accounts().setEnabled(new AccountId("off"), false);
        ksync.accounts().add(new AccountId("badkey"), "Bad key", new Secret("pk_wrong_key_0000"));
        ksync.accounts().add(new AccountId("gone"), "Removed while the page is open", new Secret(TestRig.SANDBOX_KEY));
        UpdateAnswer update = ksync.orchestrator().run(new UpdateRequest(Mode.LIVE, Optional.of(acme), Optional.empty(),
                Optional.empty(), false, Optional.empty(), null, Optional.empty()));
        assertThat(update.status()).as(update.text()).isEqualTo(200);
        ksync.scheduler().start();
        try {
            ksync.backfill().start(acme, new BackfillParams(1, true, false));
            Instant deadline = Instant.now().plus(Duration.ofMinutes(4));
            BackfillStatus s = ksync.backfill().status(acme);
            while (s.running()) {
                assertThat(Instant.now()).as("the backfill ends within 4 minutes").isBefore(deadline);
                Thread.sleep(200); // waits on the running scheduler, not on time
                s = ksync.backfill().status(acme);
            }
            assertThat(s.status()).as(s.json().toString()).isEqualTo(BackfillStatus.COMPLETED);
        } finally {
            ksync.scheduler().close();
        }
    }

    private static JsonNode api(String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(rig.uri(path))
                .header("x-admin-job-secret", SECRET).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }

    /** Opens the page, types the secret once, picks {@code account}; answers the page's state once it has drawn. */
    private static void open(Browser browser, String account) {
        WebDriver d = browser.driver();
        d.get(rig.uri("/").toString());
        browser.await(x -> x.findElement(By.id("secret")).isDisplayed());
        d.findElement(By.id("secret")).sendKeys(SECRET);
        d.findElement(By.cssSelector("#secret-form button")).click();
        browser.await(x -> x.findElements(By.cssSelector("#account option[value='" + account + "']")).size() == 1);
        new Select(d.findElement(By.id("account"))).selectByValue(account);
        awaitLoaded(browser, account, 90);
    }

    private static void awaitLoaded(Browser browser, String account, int days) {
        browser.await(x -> Boolean.TRUE.equals(js(x, "const s = window.ksyncDashboard;"
                + " return !!(s && s.data && s.data.accountId === arguments[0] && s.data.days === arguments[1]"
                + " && Object.keys(s.charts).length === 4 && s.charts.revenue.data[0].length === arguments[1]);",
                account, days)));
    }

    private static Object js(WebDriver d, String script, Object... args) {
        return ((JavascriptExecutor) d).executeScript(script, args);
    }

    @Test
    void the_dashboard_shows_the_apis_totals_and_draws_every_chart_on_a_laptop() throws Exception {
        try (Browser browser = Browser.open(1440, 900)) {
            WebDriver d = browser.driver();
            open(browser, "acme");
            d.findElement(By.cssSelector("[data-range='365']")).click();
            awaitLoaded(browser, "acme", 365);

            JsonNode shown = json.valueToTree(js(d, "return window.ksyncDashboard.data;"));
            JsonNode answer = api("/api/accounts/acme/dashboard?start=" + shown.get("start").asText() + "&end="
                    + shown.get("end").asText());
            assertThat(answer.get("days").asInt()).isEqualTo(365);
            assertThat(answer.get("backfill").asBoolean()).isTrue();
            assertThat(answer.get("totals").get("all").get("revenue").decimalValue()).isPositive();
            assertTotalsShown(d, answer.get("totals"));

            // every chart: a canvas the width of its card with painted pixels, and a point per day of the range
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> charts = (List<Map<String, Object>>) js(d, """
                    return Object.entries(window.ksyncDashboard.charts).map(([name, u]) => {
                      const c = u.ctx.canvas, px = u.ctx.getImageData(0, 0, c.width, c.height).data;
                      let painted = 0;
                      for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) painted++;
                      const values = u.data.slice(1).flat().filter(v => v > 0).length;
                      return {name, points: u.data[0].length, series: u.data.length - 1, painted, values,
                              inDom: document.body.contains(c), width: c.width};
                    });""");
            assertThat(charts).extracting(c -> c.get("name"))
                    .containsExactlyInAnyOrder("revenue", "orders", "engagement", "subscribers");
            for (Map<String, Object> c : charts) {
                assertThat(c.get("points")).as("%s", c).isEqualTo(365L);
                assertThat(c.get("series")).as("%s", c).isEqualTo(2L);
                assertThat((Long) c.get("values")).as("%s has data", c).isPositive();
                assertThat((Long) c.get("painted")).as("%s drew on its canvas", c).isGreaterThan(1000L);
                assertThat(c.get("inDom")).as("%s", c).isEqualTo(true);
            }
            assertThat(d.findElements(By.cssSelector("#top-flows tbody tr"))).isNotEmpty();
            assertThat(d.findElement(By.cssSelector("#top-flows tbody tr td")).getText())
                    .isEqualTo(answer.get("topFlows").get("items").get(0).get("name").asText());
            assertThat(d.findElements(By.cssSelector("#top-campaigns tbody tr"))).isNotEmpty();
            assertThat(d.findElement(By.id("snapshot-text")).getText()).contains("ready");
            assertThat(d.findElement(By.id("next-run")).getText()).contains("nightly");

            // the CSV buttons fetch through the API with the header the page holds
            Object csv = ((JavascriptExecutor) d).executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    const f = window.ksyncDashboard.data.dataSnapshot.files[0];
                    fetch(f.url, {headers: {'x-admin-job-secret': sessionStorage.getItem('ksync-admin-secret')}})
                      .then(r => r.text().then(t => done(r.status + ' ' + t.slice(0, 4))));""");
            assertThat(csv).isEqualTo("200 Day,");
            assertThat(d.findElements(By.cssSelector("#csvs button"))).hasSize(3);

            long before = answer.get("latestSnapshot").get("id").asLong();
            d.findElement(By.id("run-update")).click();
            browser.await(x -> x.findElement(By.id("update-result")).getText().startsWith("Snapshot #"));
            awaitLoaded(browser, "acme", 365);
            assertThat(api("/api/accounts/acme/dashboard").get("latestSnapshot").get("id").asLong())
                    .isGreaterThan(before);
            assertThat(d.findElement(By.cssSelector("[data-range='365']")).getAttribute("aria-pressed"))
                    .isEqualTo("true");

            // the custom range takes two days and asks for exactly them
            d.findElement(By.cssSelector("[data-range='custom']")).click();
            js(d, "document.getElementById('start').value = arguments[0];"
                    + " document.getElementById('end').value = arguments[1];",
                    shown.get("end").asText(), shown.get("end").asText());
            d.findElement(By.cssSelector("#custom button")).click();
            awaitLoaded(browser, "acme", 1);

            d.findElement(By.cssSelector("[data-range='90']")).click();
            awaitLoaded(browser, "acme", 90);
            long height = (Long) js(d, "return document.documentElement.scrollHeight;");
            d.manage().window().setSize(new Dimension(1440, (int) Math.min(3000, height + 120)));
            browser.await(x -> (Long) js(x, "return window.innerHeight;") > 900);
            Path shot = browser.screenshot(Path.of("target", "screenshots", "dashboard.png"));
            assertThat(Files.size(shot)).isGreaterThan(20_000);
            assertThat(browser.consoleErrors()).isEmpty();
        }
    }

    @Test
    void the_dashboard_fits_a_phone_width_and_switches_accounts() throws Exception {
        try (Browser browser = Browser.open(500, 844)) {
            WebDriver d = browser.driver();
            // a desktop Chromium window is at least 500 px wide: emulate the phone's viewport instead
            ((org.openqa.selenium.chrome.ChromeDriver) d).executeCdpCommand("Emulation.setDeviceMetricsOverride",
                    Map.of("width", 390, "height", 844, "deviceScaleFactor", 1, "mobile", true));
            open(browser, "acme");
            assertThat((Long) js(d, "return window.innerWidth;")).isEqualTo(390L);
            assertThat((Long) js(d, "return document.documentElement.scrollWidth;")).isLessThanOrEqualTo(390L);
            for (String chart : List.of("revenue", "orders", "engagement", "subscribers")) {
                assertThat((Long) js(d, "return window.ksyncDashboard.charts[arguments[0]].width;", chart))
                        .as(chart).isLessThanOrEqualTo(390L);
            }
            // the top lists fit their cards: no column (Delivered) hidden behind a sideways scroll
            @SuppressWarnings("unchecked")
            List<Long> overflow = (List<Long>) js(d, "return ['top-flows', 'top-campaigns'].map(id => {"
                    + " const card = document.getElementById(id).closest('.card');"
                    + " return card.scrollWidth - card.clientWidth; });");
            assertThat(overflow).allSatisfy(o -> assertThat(o).isLessThanOrEqualTo(0L));
            browser.screenshot(Path.of("target", "screenshots", "dashboard-phone.png"));

            new Select(d.findElement(By.id("account"))).selectByValue("beta");
            awaitLoaded(browser, "beta", 90);
            assertTotalsShown(d, api("/api/accounts/beta/dashboard").get("totals"));
            assertThat(d.findElement(By.cssSelector("#top-flows tbody td")).getText()).contains("Nothing");
            assertThat(d.findElement(By.id("no-data")).isDisplayed()).isTrue();
            assertThat(browser.consoleErrors()).isEmpty();
        }
    }

    /** What the page says under the status bar (the last load's error or note). */
    private static String message(WebDriver d) {
        return d.findElement(By.id("message")).getText();
    }

    @Test
    void west_of_utc_the_charts_show_the_accounts_days_and_the_controls_always_match_the_figures() throws Exception {
        try (Browser browser = Browser.open(1440, 900)) {
            WebDriver d = browser.driver();
            ((org.openqa.selenium.chrome.ChromeDriver) d).executeCdpCommand("Emulation.setTimezoneOverride",
                    Map.of("timezoneId", "America/Los_Angeles"));
            d.get(rig.uri("/").toString());
            browser.await(x -> x.findElement(By.id("secret")).isDisplayed());
            assertThat((Long) js(d, "return new Date(Date.UTC(2026, 10, 2)).getTimezoneOffset();"))
                    .as("the browser runs west of UTC").isPositive();
            // before the secret there is nothing to load: the range buttons are off and a click does nothing
            assertThat(d.findElement(By.cssSelector("[data-range='30']")).isEnabled()).isFalse();
            js(d, "document.querySelector(\"[data-range='30']\").click();");
            open(browser, "acme");
            d.findElement(By.cssSelector("[data-range='30']")).click();
            awaitLoaded(browser, "acme", 30);
            assertThat(d.getCurrentUrl()).endsWith("#account=acme&days=30");

            // every chart: the legend of the first and last point reads the API's day, no time of day, and the
            // axis ticks sit on UTC midnights, i.e. on the days themselves
            JsonNode days = json.valueToTree(js(d, "return window.ksyncDashboard.data.series.days;"));
            for (String chart : List.of("revenue", "orders", "engagement", "subscribers")) {
                for (int i : new int[] {0, days.size() - 1}) {
                    Object legend = js(d, """
                            const u = window.ksyncDashboard.charts[arguments[0]];
                            u.setCursor({left: u.valToPos(u.data[0][arguments[1]], 'x'), top: 10});
                            return u.root.querySelector('.u-legend .u-series:first-child .u-value').textContent;""",
                            chart, i);
                    assertThat(legend).as("%s point %d", chart, i).isEqualTo(days.get(i).asText());
                }
                @SuppressWarnings("unchecked")
                List<Number> splits = (List<Number>) js(d, "return window.ksyncDashboard.charts[arguments[0]].axes[0]._splits;",
                        chart);
                assertThat(splits).as(chart).isNotEmpty()
                        .allSatisfy(t -> assertThat(t.longValue() % 86400).as("%s tick %s", chart, t).isZero());
            }

            // the cards say what they sum; the times say their zone
            assertThat(d.findElements(By.cssSelector("#totals h2"))).extracting(WebElement::getText)
                    .containsExactly("All (flows + email campaigns)", "Flows (email + SMS)", "Campaigns (email)");
            String zone = (String) js(d, "return window.ksyncDashboard.data.timezone;");
            assertThat(d.findElement(By.id("snapshot-text")).getText()).startsWith("snapshot #").contains("ready")
                    .endsWith("(" + zone + ")");
            assertThat(d.findElement(By.id("next-run")).getText()).contains("(" + zone + ")").contains("nightly");

            // the range survives a reload through the URL
            d.navigate().refresh();
            awaitLoaded(browser, "acme", 30);
            assertThat(d.findElement(By.cssSelector("[data-range='30']")).getAttribute("aria-pressed")).isEqualTo("true");

            // an account removed while the page lists it: its load fails, and no figures stay under its name
            rig.ksync().accounts().remove(new AccountId("gone"), false);
            new Select(d.findElement(By.id("account"))).selectByValue("gone");
            browser.await(x -> message(x).contains("account 'gone' is not registered") ? true : null);
            assertThat(message(d)).startsWith("Could not load gone");
            assertThat(d.findElement(By.id("dashboard")).isDisplayed()).as("no figures of acme under 'gone'").isFalse();
            assertThat(js(d, "return window.ksyncDashboard.data;")).isNull();

            // a disabled account without data: no nightly, a notice, the zone named UTC
            new Select(d.findElement(By.id("account"))).selectByValue("off");
            awaitLoaded(browser, "off", 30);
            assertThat(d.findElement(By.id("next-run")).getText()).isEqualTo("disabled: no nightly run");
            assertThat(d.findElement(By.id("no-data")).isDisplayed()).isTrue();
            assertThat(d.findElement(By.id("no-data")).getText()).contains("No data yet");
            assertThat(d.findElement(By.id("zone")).getText()).startsWith("UTC,");

            // a failed update: said, the status line follows at once, and the message stays with its account
            new Select(d.findElement(By.id("account"))).selectByValue("badkey");
            awaitLoaded(browser, "badkey", 30);
            assertThat(d.findElement(By.id("snapshot-text")).getText()).isEqualTo("none yet");
            d.findElement(By.id("run-update")).click();
            browser.await(x -> x.findElement(By.id("update-result")).getText().startsWith("Update failed") ? true : null);
            browser.await(x -> x.findElement(By.id("snapshot-text")).getText().startsWith("failed ") ? true : null);
            assertThat(d.findElement(By.id("snapshot-text")).getText()).doesNotContain("#");
            new Select(d.findElement(By.id("account"))).selectByValue("acme");
            awaitLoaded(browser, "acme", 30);
            assertThat(d.findElement(By.id("update-result")).getText()).isEmpty();

            // an unknown account in the URL is named, not silently replaced
            d.get(rig.uri("/health").toString());
            d.get(rig.uri("/#account=nosuch&days=30").toString());
            browser.await(x -> message(x).contains("There is no account 'nosuch'") ? true : null);
            // the 404 and 502 this test provoked are logged by the browser; nothing the page threw is
            assertThat(browser.consoleErrors()).filteredOn(e -> !e.contains("Failed to load resource")).isEmpty();
        }
    }

    /** Each total on the page, its formatting undone, equals the API's number (money to the cent, rates to 0.01 %). */
    private static void assertTotalsShown(WebDriver d, JsonNode totals) {
        List<WebElement> cells = d.findElements(By.cssSelector("[data-total]"));
        assertThat(cells).hasSize(3 * 9 + 2);
        for (WebElement cell : cells) {
            String path = cell.getAttribute("data-total");
            String kind = cell.getAttribute("data-kind");
            JsonNode want = path.contains(".") ? totals.get(path.substring(0, path.indexOf('.')))
                    .get(path.substring(path.indexOf('.') + 1)) : totals.get(path);
            String text = cell.getText();
            if (want == null || want.isNull()) {
                assertThat(text).as(path).isEqualTo("–");
                continue;
            }
            BigDecimal got = new BigDecimal(text.replaceAll("[^0-9.\\-]", ""));
            BigDecimal expected = switch (kind) {
                case "money" -> want.decimalValue().setScale(2, RoundingMode.HALF_UP);
                case "rate" -> want.decimalValue().movePointRight(2).setScale(2, RoundingMode.HALF_UP);
                default -> want.decimalValue();
            };
            assertThat(got).as("%s shown as '%s'", path, text).isEqualByComparingTo(expected);
        }
    }
}
