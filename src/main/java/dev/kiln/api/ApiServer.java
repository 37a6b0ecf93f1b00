package dev.kiln.api;

import static java.util.Objects.requireNonNull;

import dev.kiln.auth.AuditEntry;
import dev.kiln.auth.Authenticator;
import dev.kiln.auth.Caller;
import dev.kiln.auth.UserDirectory;
import dev.kiln.auth.UserService;
import dev.kiln.service.Cluster;
import dev.kiln.service.PodService;
import dev.kiln.service.StartEstimates;
import dev.kiln.service.WorkloadService;
import dev.kiln.workload.Json;
import dev.kiln.workload.KilnException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.websocket.WsHandlerType;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP server: every route, the error mapping, body limits and request metrics. */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

    private final Javalin app;
    private final List<Route> routes;
    private final List<String> registered = Collections.synchronizedList(new ArrayList<>());
    private final byte[] openApi;

    /** @param ssh where the SSH server listens, for the ready-to-paste {@code sshAddr} of pods; null when off */
    public record Settings(String bind, int port, long maxBodyBytes, String version, SshEndpoint ssh) {
        public Settings(String bind, int port, long maxBodyBytes, String version) {
            this(bind, port, maxBodyBytes, version, null);
        }
    }

    /** The SSH server's host (as a client should name it) and port. */
    public record SshEndpoint(String host, int port) {
        /** The command that opens a shell in the pod. */
        public String command(String podId) {
            return "ssh -p " + port + " " + podId + "@" + host;
        }
    }

    public ApiServer(
            Settings settings, WorkloadService workloads, PodService pods, StartEstimates estimates, Cluster cluster,
            Clock clock,
            Authenticator authenticator, UserService users, UserDirectory directory, PrometheusMeterRegistry metrics) {
        requireNonNull(settings, "settings is null");
        requireNonNull(authenticator, "authenticator is null");
        List<Route> all = new ArrayList<>();
        all.addAll(new WorkloadRoutes(workloads, pods, estimates, cluster, clock, settings.maxBodyBytes(), settings.ssh()).routes());
        all.add(new WebShell(workloads, pods).route());
        all.addAll(new ClusterRoutes(cluster).routes());
        all.addAll(new UserRoutes(users, directory, settings.maxBodyBytes()).routes());
        all.add(new Route(HandlerType.GET, "/healthz", "Liveness of the server", null, Health.class, List.of(),
                ctx -> Http.json(ctx, new Health("ok")), Route.Access.PUBLIC));
        all.add(new Route(HandlerType.GET, "/metrics", "Prometheus metrics (text format)", null, null, List.of(),
                ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape())));
        all.add(new Route(HandlerType.GET, "/openapi.json", "This document", null, null, List.of(),
                ctx -> ctx.contentType("application/json").result(openApiBytes()), Route.Access.PUBLIC));
        this.routes = List.copyOf(all);
        this.openApi = Json.writeBytes(OpenApi.document(routes, settings.version()));

        this.app = Javalin.create(config -> {
            config.concurrency.useVirtualThreads = true;
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = settings.maxBodyBytes();
            config.jetty.host = settings.bind();
            config.jetty.port = settings.port();
            config.events.handlerAdded(info -> {
                if (info.getHttpMethod().isHttpMethod()) {
                    registered.add(info.getHttpMethod().name() + " " + info.getPath());
                }
            });
            // a WebSocket is reached by a GET that upgrades, and documented as that GET
            config.events.wsHandlerAdded(info -> registered.add("GET " + info.getPath()));
            config.requestLogger.http((ctx, ms) -> {
                record(metrics, ctx, ms);
                audit(directory, clock, ctx);
            });
            for (Route route : routes) {
                if (route.webSocket() != null) {
                    config.routes.addHttpHandler(HandlerType.WEBSOCKET_BEFORE_UPGRADE, route.path(), guarded(route, authenticator));
                    config.routes.addWsHandler(WsHandlerType.WEBSOCKET, route.path(), route.webSocket());
                } else {
                    config.routes.addHttpHandler(route.method(), route.path(), guarded(route, authenticator));
                }
            }
            config.routes.exception(KilnException.class, (e, ctx) -> Http.json(ctx.status(ApiErrors.status(e)), ApiErrors.body(e)));
            config.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), e.getMessage()));
            config.routes.exception(Exception.class, (e, ctx) -> {
                log.error("{} {} failed", ctx.method(), ctx.path(), e);
                Http.json(ctx.status(500), new Views.ErrorResponse("Internal", "internal error; see the server log", null));
            });
            config.routes.error(404, "*", ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty()) {
                    error(ctx, 404, "no route " + ctx.method() + " " + ctx.path());
                }
            });
            config.routes.error(405, "*", ctx -> error(ctx, 405, "method " + ctx.method() + " not allowed on " + ctx.path()));
        });
    }

    public record Health(String status) {}

    /** Authenticates before the handler runs and enforces the route's access level: the one gate for every route. */
    private static Handler guarded(Route route, Authenticator authenticator) {
        if (route.access() == Route.Access.PUBLIC) {
            return route.handler();
        }
        return ctx -> {
            String authorization = ctx.header("Authorization");
            if (route.webSocket() != null && authorization == null && ctx.queryParam("token") != null) {
                // browsers cannot set headers on a WebSocket; only upgrades take the token from the URL
                authorization = "Bearer " + ctx.queryParam("token");
            }
            Caller caller = authenticator.authenticate(authorization);
            ctx.attribute(Callers.ATTRIBUTE, caller);
            if (route.access() == Route.Access.ADMIN && !caller.admin()) {
                throw new KilnException.Forbidden(caller.userName() + " may not " + route.method().name() + " "
                        + route.path() + ": admins only");
            }
            route.handler().handle(ctx);
        };
    }

    /** Every write is recorded with its caller, target and outcome, whether it succeeded or not. */
    private static void audit(UserDirectory directory, Clock clock, Context ctx) {
        String method = ctx.method().name();
        if (method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")) {
            return;
        }
        String route;
        try {
            route = ctx.endpoint().path;
        } catch (RuntimeException e) {
            return; // no such route: nothing was written
        }
        Caller caller = ctx.attribute(Callers.ATTRIBUTE);
        String target = ctx.attribute(Callers.AUDIT_TARGET);
        if (target == null) {
            target = String.join("/", ctx.pathParamMap().values());
        }
        String detail = ctx.statusCode() >= 400 && ctx.result() != null ? ctx.result() : "";
        try {
            directory.audit(new AuditEntry(0, clock.instant(), caller == null ? "" : caller.userId(),
                    caller == null ? "anonymous" : caller.userName(), method + " " + route, target, ctx.statusCode(), detail));
        } catch (RuntimeException e) {
            log.error("could not write the audit entry for {} {}", method, ctx.path(), e);
        }
    }

    private static void error(Context ctx, int status, String message) {
        String code = switch (status) {
            case 400 -> "BadRequest";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "NotFound";
            case 405 -> "MethodNotAllowed";
            case 413 -> "PayloadTooLarge";
            case 415 -> "UnsupportedMediaType";
            default -> status >= 500 ? "Internal" : "BadRequest";
        };
        Http.json(ctx.status(status), new Views.ErrorResponse(code, message, null));
    }

    private static void record(PrometheusMeterRegistry metrics, Context ctx, Float ms) {
        String route;
        try {
            route = ctx.endpoint().path;
        } catch (RuntimeException e) {
            route = "unmatched";
        }
        Timer.builder("kiln.http.requests")
                .description("HTTP requests by route")
                .tag("method", ctx.method().name())
                .tag("route", route)
                .tag("status", Integer.toString(ctx.statusCode()))
                .publishPercentileHistogram(false)
                .register(metrics)
                .record((long) (ms * 1_000_000), TimeUnit.NANOSECONDS);
    }

    private byte[] openApiBytes() {
        return openApi;
    }

    public int start() {
        app.start();
        return app.port();
    }

    public int port() {
        return app.port();
    }

    /** "METHOD /path" of every route the documented list holds. */
    public List<String> documentedRoutes() {
        return routes.stream().map(r -> r.method().name() + " " + r.path()).toList();
    }

    /** "METHOD /path" of every handler Javalin actually registered. */
    public List<String> registeredRoutes() {
        return List.copyOf(registered);
    }

    @Override
    public void close() {
        app.stop();
    }
}
