package dev.kiln.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.ApiClient;
import dev.kiln.server.Kiln;
import dev.kiln.server.KilnConfig;
import dev.kiln.workload.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A Kiln started in-process for the auth tests: workspaces {@code default} (everyone) and {@code team-a}
 * (owner-user, member-user), one configured node, and a cpu quota so small that no workload is ever started.
 */
final class KilnHarness implements AutoCloseable {
    static final String OWNER = "owner-user";
    static final String MEMBER = "member-user";
    static final String OUTSIDER = "outsider";

    final Path dataDir;
    final Kiln kiln;
    final String base;

    record Response(int status, String body) {
        @SuppressWarnings("unchecked")
        Map<String, Object> json() {
            return Json.read(body, Map.class);
        }

        String errorCode() {
            return status >= 400 && body != null && body.startsWith("{") ? String.valueOf(json().get("errorCode")) : null;
        }
    }

    private KilnHarness(Path dataDir, Kiln kiln) {
        this.dataDir = dataDir;
        this.kiln = kiln;
        this.base = "http://127.0.0.1:" + kiln.port();
    }

    static KilnConfig config(Path dataDir, String bind) {
        var quota = new KilnConfig.QuotaConfig("1m", null, null);
        return new KilnConfig(new KilnConfig.Server(0, bind, null), dataDir.toString(), null, null, null,
                List.of(new KilnConfig.NodeConfig("n1", "4", "0", "8Gi", "100Gi", null, null)),
                List.of(new KilnConfig.WorkspaceConfig("default", null, null, quota, null),
                        new KilnConfig.WorkspaceConfig("team-a", null, null, quota, List.of(OWNER, MEMBER))),
                null);
    }

    /** Remote mode: bound to 0.0.0.0, so every request needs a token. */
    static KilnHarness remote(Path dataDir, Clock clock) {
        return new KilnHarness(dataDir, Kiln.start(config(dataDir, "0.0.0.0"), clock));
    }

    static KilnHarness loopback(Path dataDir, Clock clock) {
        return new KilnHarness(dataDir, Kiln.start(config(dataDir, "127.0.0.1"), clock));
    }

    String adminToken() {
        try {
            return Files.readString(dataDir.resolve("admin.token")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Response call(String method, String path, String token, Object body) {
        ApiClient.Response r = new ApiClient(base, token).send(method, path,
                body == null ? null : body instanceof String str ? str : Json.write(body), body == null ? null : "application/json");
        return new Response(r.status(), r.body());
    }

    /** Calls and insists on 200. */
    Response ok(String method, String path, String token, Object body) {
        Response r = call(method, path, token, body);
        assertThat(r.status()).as(method + " " + path + " → " + r.body()).isEqualTo(200);
        return r;
    }

    /** Adds a user through the API; returns its id. */
    String addUser(String adminToken, String name, String role) {
        return (String) ok("POST", "/api/v1/users", adminToken, Map.of("userName", name, "role", role)).json().get("userId");
    }

    /** Issues a token; returns {tokenId, token, expiresAt}. */
    Map<String, Object> issue(String adminToken, String userId, Long expiresInSeconds) {
        Map<String, Object> body = new java.util.HashMap<>();
        body.put("name", "test");
        body.put("expiresInSeconds", expiresInSeconds);
        return ok("POST", "/api/v1/users/" + userId + "/tokens", adminToken, body).json();
    }

    static Map<String, Object> workload(String name, String workspace) {
        return workload(name, workspace, null);
    }

    static Map<String, Object> workload(String name, String workspace, Integer priority) {
        Map<String, Object> spec = new java.util.HashMap<>();
        spec.put("displayName", name);
        spec.put("workspaceId", workspace);
        spec.put("entryPoint", Base64.getEncoder().encodeToString("echo hi".getBytes(StandardCharsets.UTF_8)));
        spec.put("resource", Map.of("cpu", "100m", "memory", "64Mi", "ephemeralStorage", "1Gi"));
        if (priority != null) {
            spec.put("priority", priority);
        }
        return spec;
    }

    /** Creates a workload as {@code token}; returns its id. */
    String create(String token, String name, String workspace) {
        return (String) ok("POST", "/api/v1/workloads", token, workload(name, workspace)).json().get("workloadId");
    }

    @Override
    public void close() {
        kiln.close();
    }
}
