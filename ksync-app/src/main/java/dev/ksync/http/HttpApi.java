package dev.ksync.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ksync.app.Ksync;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import io.javalin.Javalin;
import io.javalin.http.staticfiles.Location;
import io.javalin.http.HandlerType;
import io.javalin.json.JavalinJackson;
import io.javalin.router.Endpoint;
import io.javalin.router.InternalRouter;
import io.javalin.router.ParsedEndpoint;
import io.javalin.security.Roles;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** ksync's HTTP API as an unstarted Javalin: routes are thin doors onto the services held by {@link Ksync}. */
public final class HttpApi {
    /**
     * How long a request may hold the server while its bytes arrive: a connection silent for {@code idleTimeout}
     * (while a body is awaited, or between requests) is cut, a body read gets a 408; a body still arriving
     * {@code bodyTimeout} after we started reading it gets a 408 too. With KSYNC_MAX_BODY_BYTES this bounds time and
     * bytes per request. (Not Jetty's minimum data rate: it counts from the request's arrival, so a small body read
     * a moment later on a busy server would fail.) A stop waits up to {@code drainTimeout} for the requests in flight
     * to be answered (new connections are refused meanwhile); what is still running then is cut.
     */
    public record Limits(Duration idleTimeout, Duration bodyTimeout, Duration drainTimeout) {
        public static final Limits DEFAULT = new Limits(Duration.ofSeconds(15), Duration.ofSeconds(60));

        public Limits(Duration idleTimeout, Duration bodyTimeout) {
            this(idleTimeout, bodyTimeout, Duration.ofSeconds(20));
        }
    }

    private final Ksync ksync;
    private final Limits limits;
    private final ObjectMapper mapper;

    public HttpApi(Ksync ksync) {
        this(ksync, Limits.DEFAULT);
    }

    public HttpApi(Ksync ksync, Limits limits) {
        this.ksync = ksync;
        this.limits = limits;
        this.mapper = new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    public Javalin create() {
        long maxBody = ksync.config().http().maxBodyBytes();
        AdminGate gate = new AdminGate(ksync.config());
        JsonBodies bodies = new JsonBodies(mapper, maxBody, limits.bodyTimeout(), ksync.clock());
        AccessLog accessLog = new AccessLog(ksync.metrics());
        JsonErrorHandler jettyErrors = new JsonErrorHandler(mapper);
        DocsRoutes docs = DocsRoutes.of(mapper); // a broken OpenAPI fragment stops the start here, naming its file
        return Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.http.maxRequestSize = maxBody;
            c.http.prefer405over404 = true;
            c.jsonMapper(new JavalinJackson(mapper, false));
            c.requestLogger.http(accessLog::log);
            // Handlers run on virtual threads: a caller stalling its upload holds no platform thread, so a crowd of
            // them cannot starve /health while the idle timeout runs.
            QueuedThreadPool threads = new QueuedThreadPool(250, 8, 60_000);
            threads.setName("ksync-http");
            threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
            c.jetty.threadPool = threads;
            c.jetty.modifyServer(server -> {
                // A stop (SIGTERM, a rolling deploy) answers the requests in flight before it closes their
                // connections (Javalin's StatisticsHandler tracks them; without a stop timeout Jetty cuts them at once).
                server.setStopTimeout(limits.drainTimeout().toMillis());
                server.setErrorHandler(jettyErrors);
                server.addEventListener(idleTimeoutOnStart(server, limits.idleTimeout()));
            });
            c.jetty.modifyServletContextHandler(h -> h.setErrorHandler(jettyErrors));
            // The web pages (plain HTML/CSS/JS, no build step) and the chart library they load from its webjar.
            c.staticFiles.add(files -> {
                files.hostedPath = "/static";
                files.directory = "/web/static";
                files.location = Location.CLASSPATH;
            });
            c.staticFiles.enableWebjars();

            c.routes.before(ctx -> {
                // Javalin would route by this header's method name (even its internal ones): not an API we offer.
                if (ctx.header("X-HTTP-Method-Override") != null) {
                    throw new KsyncException(ErrorKind.BAD_INPUT, "method_override_not_supported",
                            "The X-HTTP-Method-Override header is not supported; send the method itself",
                            Map.of("header", "X-HTTP-Method-Override"));
                }
            });
            // Decided from the headers before any handler runs, so no body is read for a caller who is not let in.
            c.routes.beforeMatched(ctx -> {
                gate.admit(ctx);
                long length = ctx.req().getContentLengthLong();
                if (length > maxBody) {
                    throw new KsyncException(ErrorKind.TOO_LARGE, "body_too_large",
                            "The request body has " + length + " bytes; the limit is " + maxBody
                                    + " (KSYNC_MAX_BODY_BYTES)", Map.of("bytes", length, "limit", maxBody));
                }
            });
            ErrorMapper.register(c.routes, ksync.clock());
            ApiRoutes routes = new ApiRoutes(c.routes);
            new OpsRoutes(ksync.database(), ksync.metrics()).register(routes);
            new AccountRoutes(ksync.accounts(), bodies).register(routes);
            SyncRoutes.register(routes, ksync, gate, bodies);
            new UpdateRoutes(ksync.orchestrator(), gate, bodies, ksync.clock(),
                    new Slots(ksync.config().http().maxConcurrentUpdates(), Slots.Kind.UPDATES, ksync.clock()))
                    .register(routes);
            new SnapshotRoutes(ksync.snapshots(), ksync.snapshotProcessor(), bodies).register(routes);
            new DashboardRoutes(ksync.dashboard(), ksync.snapshotFiles()).register(routes);
            new CleanupRoutes(ksync.cleanup(), gate, bodies).register(routes);
            new ScheduleRoutes(ksync.schedules(), ksync.scheduler(), ksync.config().schedules().threads())
                    .register(routes);
            new IngestRoutes(ksync.ingestion(), gate, bodies,
                    new Slots(ksync.config().http().maxConcurrentIngests(), Slots.Kind.INGESTS, ksync.clock()))
                    .register(routes);
            new BackfillRoutes(ksync.backfill(), gate, bodies).register(routes);
            new BackfillExportRoutes(ksync.orderExport(), ksync.accounts()).register(routes);
            docs.register(routes);
            requireDeclarations(c.unsafe.internalRouter);
            answerHeadAsGet(c.unsafe.internalRouter);
        });
    }

    private static LifeCycle.Listener idleTimeoutOnStart(Server server, Duration idleTimeout) {
        return new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(LifeCycle event) {
                for (Connector connector : server.getConnectors()) {
                    if (connector instanceof AbstractConnector c) {
                        c.setIdleTimeout(idleTimeout.toMillis());
                    }
                }
            }
        };
    }

    /**
     * A route the router holds: its method, its path in Javalin's form ({@code /api/accounts/{id}}), who may call it
     * and what it declared about its query ({@link ApiRoutes}).
     */
    record Route(HandlerType method, String path, Access access, ApiRoutes.Query query) {}

    /**
     * Every HTTP route of a created app with its {@link Access} and query, sorted by path and method: the registry
     * that tests walk (the OpenAPI document, the fuzzer), so a route added later is covered without an edit there.
     * HEAD routes are listed too; those added for GET routes answer as GET.
     */
    static List<Route> routes(Javalin app) {
        return app.unsafe.internalRouter.allHttpHandlers().stream().map(p -> p.endpoint)
                .filter(e -> e.method.isHttpMethod())
                .map(e -> new Route(e.method, e.path, access(e).orElseThrow(), e.metadata(ApiRoutes.Query.class)))
                .sorted(Comparator.comparing(Route::path).thenComparing(r -> r.method().name()))
                .toList();
    }

    /**
     * Every route was registered through {@link ApiRoutes}: it says who may call it (one {@link Access}) and what its
     * query takes, which is checked before its handler runs. One added another way is a programming error, found at
     * start rather than by a caller whose typo is ignored.
     */
    static void requireDeclarations(InternalRouter router) {
        for (ParsedEndpoint p : router.allHttpHandlers()) {
            Endpoint e = p.endpoint;
            if (e.method.isHttpMethod() && (access(e).isEmpty() || e.metadata(ApiRoutes.Query.class) == null)) {
                throw new IllegalStateException("Route " + e.method + " " + e.path + " must be registered through"
                        + " dev.ksync.http.ApiRoutes, declaring exactly one Access and its query parameters");
            }
        }
    }

    /** The route's one {@link Access}; empty when it declares none or several. */
    private static Optional<Access> access(Endpoint e) {
        Roles roles = e.metadata(Roles.class);
        List<Access> declared = roles == null ? List.of() : roles.getRoles().stream()
                .filter(Access.class::isInstance).map(Access.class::cast).toList();
        return declared.size() == 1 ? Optional.of(declared.get(0)) : Optional.empty();
    }

    /** HEAD runs GET's handler and gates (Jetty drops the body), so it answers GET's status and headers. */
    private static void answerHeadAsGet(InternalRouter router) {
        Set<String> heads = router.allHttpHandlers().stream().map(p -> p.endpoint)
                .filter(e -> e.method.equals(HandlerType.HEAD)).map(e -> e.path).collect(Collectors.toSet());
        for (ParsedEndpoint p : List.copyOf(router.allHttpHandlers())) {
            Endpoint get = p.endpoint;
            if (get.method.equals(HandlerType.GET) && !heads.contains(get.path)) {
                router.addHttpEndpoint(new Endpoint(HandlerType.HEAD, get.path, get.handler,
                        Set.of(get.metadata(Roles.class), get.metadata(ApiRoutes.Query.class))));
            }
        }
    }
}
