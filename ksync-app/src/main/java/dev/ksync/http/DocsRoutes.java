package dev.ksync.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/**
 * {@code GET /openapi.json} (ksync's own API, {@link OpenApiDocument}) and {@code GET /docs}, which renders it with
 * Swagger UI; the UI's files come from the swagger-ui webjar through {@code GET /docs/{asset}} (the network may be
 * closed, so no CDN). All open: the document describes the API, it holds no secret.
 */
record DocsRoutes(byte[] document, String html, String webjarFolder) {
    private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
    /** The UI's files the page loads, and nothing else of the webjar. */
    static final Map<String, String> ASSETS = Map.of(
            "swagger-ui.css", "text/css; charset=utf-8",
            "swagger-ui-bundle.js", "text/javascript; charset=utf-8",
            "swagger-ui-standalone-preset.js", "text/javascript; charset=utf-8",
            "favicon-32x32.png", "image/png",
            "favicon-16x16.png", "image/png");

    static DocsRoutes of(ObjectMapper mapper) {
        try {
            byte[] document = mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(OpenApiDocument.load(mapper));
            return new DocsRoutes(document, page(), WEBJAR + swaggerUiVersion() + "/");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The OpenAPI document cannot be written", e);
        }
    }

    void register(ApiRoutes routes) {
        routes.page("/openapi.json", ctx -> ctx.contentType("application/json").result(document));
        routes.page("/docs", ctx -> ctx.contentType("text/html; charset=utf-8").result(html));
        routes.page("/docs/{asset}", this::asset);
    }

    private void asset(Context ctx) {
        String name = ctx.pathParam("asset");
        String type = ASSETS.get(name);
        InputStream in = type == null ? null : DocsRoutes.class.getClassLoader().getResourceAsStream(webjarFolder + name);
        if (in == null) {
            throw new KsyncException(ErrorKind.NOT_FOUND, "not_found", "No such file under /docs",
                    Map.of("allowed", new TreeSet<>(ASSETS.keySet())));
        }
        ctx.contentType(type).header("Cache-Control", "public, max-age=3600").result(in);
    }

    /** The page: Swagger UI on /openapi.json; no validator call (it would leave the machine), secrets typed in the UI. */
    private static String page() {
        return """
                <!doctype html>
                <html lang="en">
                <head>
                  <meta charset="utf-8">
                  <meta name="viewport" content="width=device-width, initial-scale=1">
                  <title>ksync API</title>
                  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
                  <link rel="stylesheet" href="/docs/swagger-ui.css">
                </head>
                <body>
                  <div id="swagger-ui"></div>
                  <script src="/docs/swagger-ui-bundle.js"></script>
                  <script src="/docs/swagger-ui-standalone-preset.js"></script>
                  <script>
                    window.ui = SwaggerUIBundle({
                      url: "/openapi.json",
                      dom_id: "#swagger-ui",
                      validatorUrl: null,
                      deepLinking: true,
                      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
                      layout: "StandaloneLayout"
                    });
                  </script>
                </body>
                </html>
                """;
    }

    /** The webjar's version, from its own Maven metadata, so the pom is the one place that names it. */
    private static String swaggerUiVersion() {
        String props = "META-INF/maven/org.webjars/swagger-ui/pom.properties";
        try (InputStream in = DocsRoutes.class.getClassLoader().getResourceAsStream(props)) {
            if (in == null) {
                throw new IllegalStateException("The swagger-ui webjar is not on the classpath (" + props + ")");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
