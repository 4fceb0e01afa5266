package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code /docs} is a page that loads Swagger UI from ksync itself (no CDN: the network may be closed) and points it at
 * {@code /openapi.json}; every file it loads answers 200 with its type, without the admin secret.
 */
class DocsPageTest {
    @RegisterExtension
    static final TestRig rig = TestRig.api().secret("docs-secret");

    @Test
    void docs_serves_swagger_ui_from_ksync_on_the_openapi_document() throws Exception {
        HttpResponse<String> page = rig.server().get("/docs", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/html"));
        String html = page.body();
        assertThat(html).contains("SwaggerUIBundle(").contains("url: \"/openapi.json\"")
                .contains("validatorUrl: null");
        assertThat(html).as("nothing loaded from elsewhere").doesNotContainPattern("(src|href)=\"(https?:)?//");

        List<String> assets = new ArrayList<>();
        Matcher m = Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(html);
        while (m.find()) {
            assets.add(m.group(1));
        }
        assertThat(assets).contains("/docs/swagger-ui.css", "/docs/swagger-ui-bundle.js",
                "/docs/swagger-ui-standalone-preset.js");
        for (String asset : assets) {
            HttpResponse<byte[]> r = rig.server().http.send(HttpRequest.newBuilder(rig.server().uri(asset)).GET()
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).as(asset).isEqualTo(200);
            String type = r.headers().firstValue("content-type").orElse("");
            if (asset.endsWith(".js")) {
                assertThat(type).as(asset).startsWith("text/javascript");
                assertThat(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8)).as(asset)
                        .contains("SwaggerUI");
            } else if (asset.endsWith(".css")) {
                assertThat(type).as(asset).startsWith("text/css");
                assertThat(r.body().length).as(asset).isGreaterThan(10_000);
            } else {
                assertThat(type).as(asset).isEqualTo("image/png");
            }
        }
        assertThat(rig.server().get("/openapi.json", null).statusCode()).isEqualTo(200);
    }

    @Test
    void a_file_the_page_does_not_load_is_a_json_404_even_inside_the_webjar() throws Exception {
        for (String path : List.of("/docs/index.html", "/docs/swagger-initializer.js", "/docs/..%2F..%2Fpom.xml",
                "/docs/nothing.js")) {
            HttpResponse<String> r = rig.server().get(path, null);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            AnswerChecks.assertJsonError(404, r.headers().firstValue("content-type").orElse(""), r.body(), null);
        }
    }
}
