package dev.kiln.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.runtime.PodExec;
import dev.kiln.runtime.PodProcess;
import dev.kiln.service.PodService;
import dev.kiln.service.WorkloadService;
import dev.kiln.workload.Json;
import dev.kiln.workload.KilnException;
import dev.kiln.workload.Workload;
import dev.kiln.workload.WorkloadIds;
import io.javalin.http.Context;
import io.javalin.websocket.WsCloseStatus;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsConnectContext;
import io.javalin.websocket.WsContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET .../pods/{podId}/webshell}: a shell in a pseudo-terminal of a running pod, over a WebSocket (protocol in
 * docs/SHELL.md). Everything that can be refused is checked before the upgrade, so a refusal is an ordinary HTTP
 * error; the socket then only carries bytes. Closing the socket kills the shell's whole session.
 */
final class WebShell {
    private static final Logger log = LoggerFactory.getLogger(WebShell.class);
    static final String PATH = WorkloadRoutes.BASE + "/{workloadId}/pods/{podId}/webshell";
    private static final String PREPARED = "kiln.webshell";
    private static final int BUFFER = 16 * 1024;

    private final WorkloadService workloads;
    private final PodService pods;
    private final Map<String, PodProcess> shells = new ConcurrentHashMap<>();

    /** What the checks before the upgrade found: the target and the shell to start in it. */
    private record Prepared(PodService.ExecTarget target, String shell, PodExec.Terminal terminal) {}

    WebShell(WorkloadService workloads, PodService pods) {
        this.workloads = requireNonNull(workloads, "workloads is null");
        this.pods = requireNonNull(pods, "pods is null");
    }

    Route route() {
        return Route.webSocket(PATH,
                "Open a shell in a running pod over a WebSocket: binary frames carry terminal bytes both ways, a text "
                        + "frame {\"type\":\"resize\",\"cols\":N,\"rows\":M} resizes (docs/SHELL.md)",
                List.of(
                        new Route.Param("container", "string", "Container name; default the main container"),
                        new Route.Param("cmd", "string", "One of the pod's shells (GET .../containers); default bash, else the first"),
                        new Route.Param("rows", "integer", "Terminal rows 1-1000, default 24"),
                        new Route.Param("cols", "integer", "Terminal columns 1-1000, default 80"),
                        new Route.Param("token", "string", "The bearer token, for browsers that cannot set the Authorization header")),
                this::beforeUpgrade,
                this::configure);
    }

    /** Runs after authentication: the same rule as reading the pod's logs, and the pod must be running. */
    private void beforeUpgrade(Context ctx) {
        checkOrigin(ctx);
        Workload w = workloads.get(Callers.of(ctx), WorkloadRoutes.workloadId(ctx));
        String podId = WorkloadRoutes.podId(ctx);
        String container = Requests.query(ctx, "container");
        if (container != null && !WorkloadIds.isValid(container)) {
            throw new KilnException.Invalid("container", "'" + container + "' is not a container name ([a-z0-9-]{1,63})");
        }
        int rows = Requests.intQuery(ctx, "rows", 24, 1, 1000);
        int cols = Requests.intQuery(ctx, "cols", 80, 1, 1000);
        PodService.ExecTarget target = pods.execTarget(w, podId, container);
        String cmd = Requests.query(ctx, "cmd");
        if (cmd == null) {
            cmd = target.shells().contains("bash") ? "bash" : target.shells().isEmpty() ? "sh" : target.shells().get(0);
        }
        if (!target.shells().contains(cmd)) {
            throw new KilnException.Invalid("cmd", "cmd '" + cmd + "' is not a shell of pod " + podId + "; allowed: "
                    + String.join(", ", target.shells()));
        }
        ctx.attribute(PREPARED, new Prepared(target, cmd, new PodExec.Terminal(cols, rows)));
    }

    /**
     * A browser sends the page's Origin with every WebSocket and applies no same-origin rule to it, so without this
     * check any web page could open a shell through a local Kiln that needs no token (cross-site WebSocket
     * hijacking). Clients that are not browsers send no Origin.
     */
    private static void checkOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null) {
            return;
        }
        String host = ctx.header("Host");
        String originHost;
        try {
            URI uri = URI.create(origin);
            originHost = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
        } catch (IllegalArgumentException e) {
            originHost = null;
        }
        if (host == null || originHost == null || !host.equalsIgnoreCase(originHost)) {
            throw new KilnException.Forbidden("a web shell may only be opened from a page served by this server (Origin "
                    + origin + ", Host " + host + ")");
        }
    }

    private void configure(WsConfig ws) {
        ws.onConnect(this::connect);
        ws.onBinaryMessage(ctx -> input(ctx, ctx.data()));
        ws.onMessage(ctx -> control(ctx, ctx.message()));
        ws.onClose(ctx -> end(ctx.sessionId()));
        ws.onError(ctx -> end(ctx.sessionId()));
    }

    private void connect(WsConnectContext ctx) {
        Prepared prepared = ctx.attribute(PREPARED);
        if (prepared == null) {
            ctx.closeSession(WsCloseStatus.SERVER_ERROR, "the upgrade was not checked");
            return;
        }
        PodProcess shell;
        try {
            shell = pods.exec(prepared.target(), List.of(prepared.shell()), Map.of("TERM", "xterm-256color"), prepared.terminal());
        } catch (KilnException e) {
            ctx.closeSession(WsCloseStatus.TRY_AGAIN_LATER, e.getMessage());
            return;
        }
        shells.put(ctx.sessionId(), shell);
        // the socket belongs to a person at a terminal: no idle timeout, pings keep proxies from closing it
        ctx.session.setIdleTimeout(Duration.ZERO);
        ctx.enableAutomaticPings(30, TimeUnit.SECONDS);
        log.info("web shell {} (pid {}) opened in pod {}", prepared.shell(), shell.pid(), prepared.target().key());
        Thread.ofVirtual().name("webshell-" + shell.pid()).start(() -> pump(ctx, shell));
        // a background job may hold the terminal open after the shell exits: it ends with the shell's session
        shell.onExit().thenRunAsync(shell::close, CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS));
    }

    /** Terminal output to binary frames, one at a time (each send completes before the next), until the shell ends. */
    private void pump(WsContext ctx, PodProcess shell) {
        byte[] buffer = new byte[BUFFER];
        try (InputStream out = shell.stdout()) {
            int n;
            while ((n = out.read(buffer)) >= 0) {
                if (n == 0) {
                    continue;
                }
                Callback.Completable sent = new Callback.Completable();
                ctx.session.sendBinary(ByteBuffer.wrap(buffer.clone(), 0, n), sent);
                sent.get(60, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            // the terminal closed: the shell ended or was killed
        } catch (Exception e) {
            log.debug("web shell {}: sending failed", shell.pid(), e);
        }
        int code;
        try {
            code = shell.onExit().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            code = -1;
        }
        end(ctx.sessionId());
        if (ctx.session.isOpen()) {
            ctx.closeSession(WsCloseStatus.NORMAL_CLOSURE, "shell exited with code " + code);
        }
    }

    private void input(WsContext ctx, ByteBuffer data) {
        PodProcess shell = shells.get(ctx.sessionId());
        if (shell == null) {
            return;
        }
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        try {
            OutputStream in = shell.stdin();
            in.write(bytes);
            in.flush();
        } catch (IOException e) {
            end(ctx.sessionId());
        }
    }

    /** Text frames are control messages; the only one is resize. Others are ignored, so clients can evolve. */
    private void control(WsContext ctx, String message) {
        PodProcess shell = shells.get(ctx.sessionId());
        if (shell == null) {
            return;
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(message);
        } catch (IOException e) {
            ctx.closeSession(WsCloseStatus.UNSUPPORTED_DATA, "text frames must be JSON control messages, e.g. {\"type\":\"resize\",\"cols\":80,\"rows\":24}");
            return;
        }
        if (node != null && "resize".equals(node.path("type").asText())) {
            int cols = node.path("cols").asInt(0);
            int rows = node.path("rows").asInt(0);
            if (cols < 1 || cols > 1000 || rows < 1 || rows > 1000) {
                ctx.closeSession(WsCloseStatus.POLICY_VIOLATION, "resize to " + cols + "x" + rows + " is out of range 1-1000");
                return;
            }
            shell.resize(new PodExec.Terminal(cols, rows));
        }
    }

    /** Ends the shell and everything it started. */
    private void end(String sessionId) {
        PodProcess shell = shells.remove(sessionId);
        if (shell != null) {
            shell.close();
            log.info("web shell pid {} ended", shell.pid());
        }
    }
}
