package dev.ksync.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The pages' static files and the chart library's webjar are served by the app itself, with no secret. */
class WebAssetsTest {
    @RegisterExtension
    static final TestRig rig = TestRig.api().secret("s3cret-admin");

    @Test
    void the_shared_stylesheet_and_the_chart_library_are_served_without_a_secret() throws Exception {
        HttpResponse<String> css = rig.server().get("/static/ksync.css", null);
        assertEquals(200, css.statusCode());
        assertTrue(css.headers().firstValue("Content-Type").orElse("").startsWith("text/css"));
        HttpResponse<String> uplot = rig.server().get("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js", null);
        assertEquals(200, uplot.statusCode());
        assertTrue(uplot.body().contains("uPlot"));
    }

    @Test
    void a_missing_static_file_answers_404_json() throws Exception {
        HttpResponse<String> r = rig.server().get("/static/nope.html", null);
        assertEquals(404, r.statusCode());
        assertTrue(r.body().startsWith("{\"error\""), r.body());
    }
}
