package dev.kiln.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.TestKiln;
import dev.kiln.server.Kiln;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web shell on real processes: a PTY in the pod's directory and environment, over a real WebSocket client. */
class WebShellTest {
    @TempDir
    static Path dataDir;

    static Kiln kiln;
    static ShellFixture fixture;
    static String workloadId;
    static String podId;

    @BeforeAll
    static void start() {
        kiln = Kiln.start(TestKiln.runningConfig(dataDir).withOverrides(0, "0.0.0.0", dataDir.toString()), Clock.systemUTC());
        fixture = new ShellFixture(kiln, dataDir);
        JsonNode w = fixture.runningAuthoring("shell box");
        workloadId = w.path("workloadId").asText();
        podId = w.path("pods").get(0).path("podId").asText();
    }

    @AfterAll
    static void stop() {
        if (kiln != null) {
            kiln.close();
        }
    }

    @Test
    void shellRunsInThePodWithItsEnvironmentAndResizes() throws Exception {
        Terminal t = Terminal.open(shellUri(podId, "bash", Map.of("rows", "24", "cols", "80")), fixture.aliceToken);
        try {
            t.type("echo \"id=$WORKLOAD_ID.\"\n");
            t.await("id=" + workloadId + ".");
            t.type("pwd\n");
            t.await("/pods/" + workloadId + "/1/" + podId + "/work");
            t.type("stty size\n");
            t.await("24 80");

            t.resize(120, 40);
            t.type("stty size\n");
            t.await("40 120");
        } finally {
            t.close();
        }
    }

    @Test
    void closingTheSocketKillsTheShellAndItsChildren() throws Exception {
        Terminal t = Terminal.open(shellUri(podId, "bash", Map.of()), fixture.aliceToken);
        t.type("sleep 4242 & echo \"child=$! shell=$$.\"\n");
        Matcher m = t.await(Pattern.compile("child=(\\d+) shell=(\\d+)\\."));
        long child = Long.parseLong(m.group(1));
        long shell = Long.parseLong(m.group(2));
        assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive)).contains(true);
        assertThat(ProcessHandle.of(shell).map(ProcessHandle::isAlive)).contains(true);

        t.close();
        awaitGone(shell);
        awaitGone(child);
    }

    @Test
    void exitingTheShellClosesTheSocket() throws Exception {
        Terminal t = Terminal.open(shellUri(podId, "sh", Map.of()), fixture.aliceToken);
        t.type("exit 3\n");
        assertThat(t.closed.get(10, TimeUnit.SECONDS)).contains("exited with code 3");
    }

    @Test
    void tokenMayComeFromTheQueryForBrowsers() throws Exception {
        String uri = shellUri(podId, "bash", Map.of("token", fixture.aliceToken));
        Terminal t = Terminal.open(uri, null);
        try {
            t.type("echo \"who=$USER_ID.\"\n");
            t.await("who=" + fixture.aliceId + ".");
        } finally {
            t.close();
        }
    }

    @Test
    void refusals() {
        // a non-member does not learn the workload exists
        assertThat(handshakeStatus(shellUri(podId, "bash", Map.of()), fixture.bobToken, null)).isEqualTo(404);
        assertThat(handshakeStatus(shellUri(podId, "bash", Map.of("token", fixture.bobToken)), null, null)).isEqualTo(404);
        // no token at all (tokens are required off loopback), and a wrong one
        assertThat(handshakeStatus(shellUri(podId, "bash", Map.of()), null, null)).isEqualTo(401);
        assertThat(handshakeStatus(shellUri(podId, "bash", Map.of()), "not-a-token", null)).isEqualTo(401);
        // not a shell of the container
        assertThat(handshakeStatus(shellUri(podId, "python3", Map.of()), fixture.aliceToken, null)).isEqualTo(400);
        // unknown pod and container
        assertThat(handshakeStatus(shellUri(workloadId + "-9", "bash", Map.of()), fixture.aliceToken, null)).isEqualTo(404);
        assertThat(handshakeStatus(shellUri(podId, "bash", Map.of("container", "sidecar")), fixture.aliceToken, null)).isEqualTo(404);
        // a page of another site (cross-site WebSocket hijacking)
        assertThat(handshakeStatus(shellUri(podId, "bash", Map.of()), fixture.aliceToken, "https://evil.example")).isEqualTo(403);
    }

    @Test
    void aPodThatIsNotRunningIsAConflict() {
        String id = fixture.alice.create(CreateBody.pytorchJob("done").workspace("team-a")
                .set("entryPoint", CreateBody.base64("true")).build());
        JsonNode w = fixture.awaitPhase(id, "Succeeded");
        String pod = w.path("pods").get(0).path("podId").asText();
        String uri = "ws://127.0.0.1:" + kiln.port() + "/api/v1/workloads/" + id + "/pods/" + pod + "/webshell";
        assertThat(handshakeStatus(uri, fixture.aliceToken, null)).isEqualTo(409);
    }

    @Test
    void theShellIsDocumented() {
        JsonNode doc = fixture.admin.get("/openapi.json").json();
        JsonNode op = doc.path("paths").path(WebShell.PATH).path("get");
        assertThat(op.isMissingNode()).isFalse();
        assertThat(op.path("responses").has("101")).isTrue();
        assertThat(op.path("parameters").toString()).contains("cmd", "rows", "cols", "container", "token");
    }

    private static String shellUri(String pod, String cmd, Map<String, String> query) {
        StringBuilder uri = new StringBuilder("ws://127.0.0.1:" + kiln.port() + "/api/v1/workloads/" + workloadId
                + "/pods/" + pod + "/webshell?cmd=" + cmd);
        query.forEach((k, v) -> uri.append('&').append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return uri.toString();
    }

    private static int handshakeStatus(String uri, String token, String origin) {
        Throwable error = null;
        try {
            Terminal.open(uri, token, origin).close();
        } catch (Throwable e) {
            error = e instanceof CompletionException ? e.getCause() : e;
        }
        assertThat(error).as("the upgrade of %s was not refused", uri).isInstanceOf(WebSocketHandshakeException.class);
        return ((WebSocketHandshakeException) error).getResponse().statusCode();
    }

    private static void awaitGone(long pid) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            assertThat(System.nanoTime()).as("pid %d still alive", pid).isLessThan(deadline);
            ShellFixture.pause(50);
        }
    }

    /** A WebSocket terminal client: what it receives accumulates; tests wait for text to appear in it. */
    static final class Terminal implements WebSocket.Listener {
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        private WebSocket socket;

        static Terminal open(String uri, String token) {
            return open(uri, token, null);
        }

        static Terminal open(String uri, String token, String origin) {
            Terminal t = new Terminal();
            WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            if (origin != null) {
                b.header("Origin", origin);
            }
            t.socket = b.buildAsync(URI.create(uri), t).join();
            return t;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            synchronized (received) {
                received.writeBytes(bytes);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete("error " + error);
        }

        void type(String text) {
            socket.sendBinary(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), true).join();
        }

        void resize(int cols, int rows) {
            socket.sendText("{\"type\":\"resize\",\"cols\":" + cols + ",\"rows\":" + rows + "}", true).join();
        }

        String text() {
            synchronized (received) {
                return received.toString(StandardCharsets.UTF_8);
            }
        }

        void await(String expected) {
            await(Pattern.compile(Pattern.quote(expected)));
        }

        Matcher await(Pattern pattern) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (true) {
                Matcher m = pattern.matcher(text());
                if (m.find()) {
                    return m;
                }
                assertThat(System.nanoTime()).as("no %s in the terminal; it shows:%n%s", pattern, text()).isLessThan(deadline);
                ShellFixture.pause(20);
            }
        }

        void close() {
            if (!socket.isOutputClosed()) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
            }
            try {
                closed.get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                socket.abort();
            }
        }
    }
}
