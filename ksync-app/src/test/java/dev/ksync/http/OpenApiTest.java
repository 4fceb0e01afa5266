package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import io.javalin.security.Roles;
import io.javalin.security.RouteRole;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /openapi.json} against the routes the router actually holds ({@link HttpApi#routes}, with their
 * {@link Access} and declared query): none missing, none extra, each operation with a summary, its answers (errors in
 * the {@code {error, message, details}} shape), the security its Access needs, its path parameters and the query
 * parameters it takes (the ones {@link ApiRoutes} lets through); and the merge of base and fragments,
 * which stops the start on a path declared twice or a {@code $ref} to nothing.
 */
class OpenApiTest {
    private static final String SECRET = "openapi-test-secret";
    private static final ObjectMapper json = new ObjectMapper();
    /**
     * Routes deliberately left out of the document, with why. Also not in it: a HEAD route that HttpApi adds for a
     * GET route (it answers as that GET, which the document's description says once for all).
     */
    static final Map<String, String> UNDOCUMENTED = Map.of(
            "GET /docs/{asset}", "Swagger UI's own files (css, js, icons) that the /docs page loads, not API");
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch",
            "trace");

    @RegisterExtension
    static final TestRig rig = TestRig.api().secret(SECRET);

    @Test
    void every_registered_route_is_documented_and_every_documented_route_is_registered() throws Exception {
        JsonNode doc = served();
        Set<String> registered = documentable(HttpApi.routes(rig.server().app));
        Set<String> documented = documented(doc);
        assertThat(registered).as("routes the router holds").isNotEmpty();
        assertThat(difference(registered, documented)).as("routes without a description in openapi/paths/*.json")
                .isEmpty();
        assertThat(difference(documented, registered)).as("described routes the router does not hold").isEmpty();
        Set<String> all = HttpApi.routes(rig.server().app).stream().map(OpenApiTest::name).collect(Collectors.toSet());
        assertThat(all).as("the deliberately undocumented routes still exist").containsAll(UNDOCUMENTED.keySet());
    }

    @Test
    void a_route_added_without_its_description_is_reported_missing() throws Exception {
        Javalin app = new HttpApi(rig.server().ksync).create();
        app.unsafe.internalRouter.addHttpEndpoint(new Endpoint(HandlerType.POST, "/api/undescribed/{id}",
                ctx -> ctx.status(204), Set.of(new Roles(Set.<RouteRole>of(Access.ADMIN)),
                        new ApiRoutes.Query(Set.of(), false))));
        Set<String> missing = difference(documentable(HttpApi.routes(app)), documented(served()));
        assertThat(missing).containsExactly("POST /api/undescribed/{id}");
    }

    @Test
    void every_operation_has_a_summary_json_errors_and_the_security_its_access_needs() throws Exception {
        JsonNode doc = served();
        List<String> problems = new ArrayList<>();
        List<HttpApi.Route> routes = HttpApi.routes(rig.server().app);
        Set<String> described = documentable(routes);
        described.retainAll(documented(doc));
        for (HttpApi.Route r : routes) {
            if (!described.contains(name(r))) {
                continue; // a missing description is the test above's to report
            }
            JsonNode item = doc.path("paths").path(openApiPath(r.path()));
            JsonNode op = item.path(r.method().name().toLowerCase());
            String route = name(r);
            if (op.path("summary").asText("").isBlank()) {
                problems.add(route + ": no summary");
            }
            JsonNode responses = op.path("responses");
            List<String> codes = new ArrayList<>();
            responses.fieldNames().forEachRemaining(codes::add);
            if (codes.stream().noneMatch(c -> c.startsWith("2"))) {
                problems.add(route + ": no 2xx answer among " + codes);
            }
            for (String code : codes) {
                JsonNode answer = resolve(doc, responses.get(code));
                if (answer.path("description").asText("").isBlank()) {
                    problems.add(route + " " + code + ": no description");
                }
                if (code.charAt(0) >= '4' && !resolve(doc, answer.at("/content/application~1json/schema"))
                        .equals(doc.at("/components/schemas/Error"))) {
                    problems.add(route + " " + code + ": an error answer that is not the Error schema");
                }
            }
            JsonNode expected = json.readTree(security(r.access()));
            JsonNode declared = op.has("security") ? op.get("security") : json.createArrayNode();
            if (!declared.equals(expected)) {
                problems.add(route + " (" + r.access() + "): security " + declared + ", expected " + expected);
            }
            if (r.access() != Access.OPEN && !codes.contains("401")) {
                problems.add(route + ": needs the admin secret but documents no 401");
            }
            if (!r.query().ignored() && !codes.contains("400")) {
                problems.add(route + ": refuses a query parameter it does not take, but documents no 400");
            }
            Set<String> params = documentedParams(doc, item, op, "path");
            if (!params.equals(pathParams(r.path()))) {
                problems.add(route + ": path parameters documented " + params + ", in the path "
                        + pathParams(r.path()));
            }
            // ?token= is documented once, as the adminToken scheme its Access brings (checked above)
            Set<String> query = documentedParams(doc, item, op, "query");
            if (!query.equals(new TreeSet<>(r.query().names()))) {
                problems.add(route + ": query parameters documented " + query + ", declared where it is registered "
                        + new TreeSet<>(r.query().names()));
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void the_document_is_open_openapi_3_1_with_the_error_shape_and_the_admin_secret_scheme() throws Exception {
        HttpResponse<String> r = rig.server().get("/openapi.json", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("application/json"));
        JsonNode doc = json.readTree(r.body());
        assertThat(doc.path("openapi").asText()).startsWith("3.1.");
        assertThat(doc.at("/components/schemas/Error/required").toString())
                .isEqualTo("[\"error\",\"message\",\"details\"]");
        JsonNode header = doc.at("/components/securitySchemes/adminSecret");
        assertThat(header.path("type").asText()).isEqualTo("apiKey");
        assertThat(header.path("in").asText()).isEqualTo("header");
        assertThat(header.path("name").asText()).isEqualTo(AdminGate.HEADER);
        JsonNode token = doc.at("/components/securitySchemes/adminToken");
        assertThat(token.path("in").asText()).isEqualTo("query");
        assertThat(token.path("name").asText()).isEqualTo("token");
        // the same bytes on every start and every call
        assertThat(rig.server().get("/openapi.json", "wrong secret is not even looked at").body()).isEqualTo(r.body());
        assertThat(json.writerWithDefaultPrettyPrinter().writeValueAsString(OpenApiDocument.load(json)))
                .isEqualTo(r.body());
        assertThat(AnswerChecks.JAVA_NAMES.matcher(r.body()).find()).as("names no Java internals").isFalse();
    }

    @Test
    void fragments_merge_in_file_name_order_into_the_base() throws Exception {
        ObjectNode merged = OpenApiDocument.merge(source("openapi/base.json", BASE), List.of(
                source("openapi/paths/a.json", """
                        {"paths": {"/a": {"get": {"summary": "a", "responses": {"200": {"description": "ok",
                          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}}},
                         "components": {"schemas": {"A": {"type": "object"}}}}"""),
                source("openapi/paths/b.json", """
                        {"paths": {"/a": {"post": {"summary": "b", "responses": {"404":
                          {"$ref": "#/components/responses/NotFound"}}}}, "/b": {"get": {"summary": "b",
                          "responses": {"200": {"description": "ok"}}}}}}""")));
        assertThat(merged.path("paths").properties()).extracting(Map.Entry::getKey).containsExactly("/a", "/b");
        assertThat(merged.at("/paths/~1a").properties()).extracting(Map.Entry::getKey).containsExactly("get", "post");
        assertThat(merged.path("components").path("schemas").properties()).extracting(Map.Entry::getKey)
                .containsExactly("Error", "A");
    }

    @Test
    void two_fragments_declaring_the_same_path_and_method_stop_the_start_naming_the_file() {
        String op = """
                {"paths": {"/a": {"get": {"summary": "a", "responses": {"200": {"description": "ok"}}}}}}""";
        assertThatThrownBy(() -> OpenApiDocument.merge(source("openapi/base.json", BASE),
                List.of(source("openapi/paths/a.json", op), source("openapi/paths/b.json", op))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("OpenAPI openapi/paths/b.json: get /a is declared twice (also in openapi/paths/a.json)");
    }

    @Test
    void a_schema_defined_in_two_files_stops_the_start_naming_the_file() {
        assertThatThrownBy(() -> OpenApiDocument.merge(source("openapi/base.json", BASE), List.of(
                source("openapi/paths/x.json", "{\"components\": {\"schemas\": {\"Error\": {\"type\": \"string\"}}}}"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("OpenAPI openapi/paths/x.json: components.schemas.Error is defined twice"
                        + " (also in openapi/base.json)");
    }

    @Test
    void a_ref_to_a_schema_nobody_defines_stops_the_start_naming_the_file() {
        assertThatThrownBy(() -> OpenApiDocument.merge(source("openapi/base.json", BASE), List.of(
                source("openapi/paths/a.json", "{\"components\": {\"schemas\": {\"A\": {\"type\": \"object\"}}}}"),
                source("openapi/paths/c.json", """
                        {"paths": {"/c": {"get": {"summary": "c", "responses": {"200": {"description": "ok",
                          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Nobody"}}}}}}}}}"""))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("OpenAPI openapi/paths/c.json has $ref '#/components/schemas/Nobody', which points at"
                        + " nothing in the document");
    }

    @Test
    void a_fragment_with_other_top_level_keys_or_broken_json_stops_the_start_naming_the_file() {
        assertThatThrownBy(() -> OpenApiDocument.merge(source("openapi/base.json", BASE), List.of(
                source("openapi/paths/d.json", "{\"info\": {}}"))))
                .hasMessageStartingWith("OpenAPI openapi/paths/d.json has 'info' at the top");
        assertThatThrownBy(() -> OpenApiDocument.merge(source("openapi/base.json", BASE), List.of(
                source("openapi/paths/e.json", "{\"paths\": {\"/e\": {\"fetch\": {}}}}"))))
                .hasMessageStartingWith("OpenAPI openapi/paths/e.json declares 'fetch' under /e");
    }

    // ---- helpers ----

    private static final String BASE = """
            {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {},
             "components": {"schemas": {"Error": {"type": "object"}},
               "responses": {"NotFound": {"description": "no", "content": {"application/json":
                 {"schema": {"$ref": "#/components/schemas/Error"}}}}}}}""";

    private static OpenApiDocument.Source source(String name, String text) {
        try {
            return new OpenApiDocument.Source(name, json.readTree(text));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static JsonNode served() throws Exception {
        HttpResponse<String> r = rig.server().get("/openapi.json", null);
        assertThat(r.statusCode()).isEqualTo(200);
        return json.readTree(r.body());
    }

    /** The security an operation declares for its route's Access. */
    static String security(Access access) {
        return switch (access) {
            case OPEN -> "[]";
            case ADMIN -> "[{\"adminSecret\": []}]";
            case ADMIN_OR_TOKEN -> "[{\"adminSecret\": []}, {\"adminToken\": []}]";
            case ADMIN_FOR_GATED_WORK -> "[{}, {\"adminSecret\": []}]";
        };
    }

    /** "METHOD /path" of the routes the document must describe: all but HEADs mirroring a GET and the exclusions. */
    private static Set<String> documentable(List<HttpApi.Route> routes) {
        Set<String> gets = routes.stream().filter(r -> r.method() == HandlerType.GET).map(HttpApi.Route::path)
                .collect(Collectors.toSet());
        return routes.stream()
                .filter(r -> !(r.method() == HandlerType.HEAD && gets.contains(r.path())))
                .map(OpenApiTest::name).filter(n -> !UNDOCUMENTED.containsKey(n))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> documented(JsonNode doc) {
        Set<String> out = new TreeSet<>();
        doc.path("paths").properties().forEach(p -> p.getValue().fieldNames().forEachRemaining(m -> {
            if (METHODS.contains(m)) {
                out.add(m.toUpperCase() + " " + p.getKey());
            }
        }));
        return out;
    }

    private static String name(HttpApi.Route r) {
        return r.method().name() + " " + openApiPath(r.path());
    }

    /** Javalin's {@code {id}} is OpenAPI's; its {@code <id>} (a parameter that may hold slashes) is written the same. */
    private static String openApiPath(String javalinPath) {
        return javalinPath.replaceAll("<([^>]+)>", "{$1}");
    }

    /** The names of an operation's parameters that are {@code in} the given place, its path item's included. */
    private static Set<String> documentedParams(JsonNode doc, JsonNode item, JsonNode op, String in) {
        Set<String> out = new TreeSet<>();
        for (JsonNode p : concat(item.path("parameters"), op.path("parameters"))) {
            JsonNode param = resolve(doc, p);
            if (param.path("in").asText().equals(in)) {
                out.add(param.path("name").asText());
            }
        }
        return out;
    }

    private static Set<String> pathParams(String javalinPath) {
        Set<String> out = new TreeSet<>();
        Matcher m = Pattern.compile("[{<]([^}>]+)[}>]").matcher(javalinPath);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> d = new TreeSet<>(a);
        d.removeAll(b);
        return d;
    }

    /** A node, or what its local {@code $ref} points at. */
    private static JsonNode resolve(JsonNode doc, JsonNode node) {
        JsonNode ref = node.get("$ref");
        return ref == null ? node : resolve(doc, doc.at(JsonPointer.compile(ref.asText().substring(1))));
    }

    private static List<JsonNode> concat(JsonNode a, JsonNode b) {
        List<JsonNode> out = new ArrayList<>();
        a.forEach(out::add);
        b.forEach(out::add);
        return out;
    }
}
