package dev.ksync.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import io.javalin.router.EndpointMetadata;
import io.javalin.security.Roles;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The one way routes are registered: each with who may call it ({@link Access}) and the query parameters it takes.
 * The names are checked before the handler runs, so a typo is 400 {@code unknown_parameter} naming it and the
 * allowed ones ({@link QueryParams#only}) rather than ignored; a route that names none takes none, and the parameters
 * its Access makes the gate read ({@code ?token=}) are allowed with it. Handlers that read the query get it checked.
 * {@link HttpApi} does not start with a route added another way, so no route can skip the check.
 */
final class ApiRoutes {
    /**
     * What a route declared about its query, kept on its endpoint (for the start check, HEAD copies and the tests):
     * its own names, not those of its Access; or {@code ignored} for a page, which reads none.
     */
    record Query(Set<String> names, boolean ignored) implements EndpointMetadata {
        static final Query IGNORED = new Query(Set.of(), true);

        Query {
            names = Set.copyOf(names);
        }
    }

    /** A handler that reads the query: it gets the parameters already checked against the route's names. */
    @FunctionalInterface
    interface QueryHandler {
        void handle(Context ctx, QueryParams query) throws Exception;
    }

    private final RoutesConfig routes;

    ApiRoutes(RoutesConfig routes) {
        this.routes = routes;
    }

    /** A GET that takes no query parameters. */
    void get(String path, Access access, Handler handler) {
        add(HandlerType.GET, path, access, Set.of(), (ctx, query) -> handler.handle(ctx));
    }

    void get(String path, Access access, Set<String> query, QueryHandler handler) {
        add(HandlerType.GET, path, access, query, handler);
    }

    /** A POST that takes no query parameters (its input is the body). */
    void post(String path, Access access, Handler handler) {
        add(HandlerType.POST, path, access, Set.of(), (ctx, query) -> handler.handle(ctx));
    }

    void post(String path, Access access, Set<String> query, QueryHandler handler) {
        add(HandlerType.POST, path, access, query, handler);
    }

    void patch(String path, Access access, Handler handler) {
        add(HandlerType.PATCH, path, access, Set.of(), (ctx, query) -> handler.handle(ctx));
    }

    void delete(String path, Access access, Handler handler) {
        add(HandlerType.DELETE, path, access, Set.of(), (ctx, query) -> handler.handle(ctx));
    }

    /**
     * An open GET whose query is not read: a page or a file a page loads (the dashboard, Swagger UI and its files,
     * the document it renders), and the probes (/health, /ready, /metrics), so what a browser, a cache-buster, a
     * shared link, a load balancer or a scraper adds does no harm.
     */
    void page(String path, Handler handler) {
        routes.addEndpoint(endpoint(HandlerType.GET, path, Access.OPEN, Query.IGNORED).handler(handler));
    }

    private void add(HandlerType method, String path, Access access, Set<String> names, QueryHandler handler) {
        Query declared = new Query(names, false);
        Set<String> allowed = Stream.concat(declared.names().stream(), access.query().stream())
                .collect(Collectors.toUnmodifiableSet());
        routes.addEndpoint(endpoint(method, path, access, declared)
                .handler(ctx -> handler.handle(ctx, QueryParams.only(ctx, allowed))));
    }

    private static Endpoint.Companion.EndpointBuilder endpoint(HandlerType method, String path, Access access,
                                                               Query query) {
        return Endpoint.create(method, path).addMetadata(new Roles(Set.of(access))).addMetadata(query);
    }
}
