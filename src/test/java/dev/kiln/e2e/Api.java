package dev.kiln.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.api.ApiClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/** The Kiln REST API as a client sees it: java.net.http against a running server. */
final class Api {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final Set<String> TERMINAL = Set.of("Succeeded", "Failed", "Stopped");

    /** The transport is the API tests' client; this class adds the workload-level helpers E2E tests need. */
    private final ApiClient client;

    Api(String url) {
        this.client = new ApiClient(url);
    }

    /** {@code path} is below /api/v1. */
    ApiClient.Response send(String method, String path, Object body) {
        return client.send(method, "/api/v1" + path, body == null ? null : ApiClient.toJson(body), "application/json");
    }

    JsonNode ok(String method, String path, Object body) {
        ApiClient.Response r = send(method, path, body);
        assertThat(r.status()).as(method + " " + path + " -> " + r.body()).isEqualTo(200);
        return r.json();
    }

    String submit(Map<String, Object> spec) {
        return ok("POST", "/workloads", spec).get("workloadId").asText();
    }

    JsonNode get(String id) {
        return ok("GET", "/workloads/" + id, null);
    }

    void stop(String id) {
        ok("POST", "/workloads/" + id + "/stop", null);
    }

    List<String> logs(String id, String podId) {
        List<String> lines = new ArrayList<>();
        ok("GET", "/workloads/" + id + "/pods/" + podId + "/logs", null).get("logs").forEach(l -> lines.add(l.asText()));
        return lines;
    }

    /** Polls GET until {@code until} holds (every 50 ms, at most {@code wait}); fails with the last state. */
    JsonNode await(String id, Duration wait, String what, Predicate<JsonNode> until) {
        Instant deadline = Instant.now().plus(wait);
        JsonNode w = get(id);
        while (!until.test(w)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("workload " + id + " not " + what + " within " + wait + ": " + w.toPrettyString());
            }
            sleep(50);
            w = get(id);
        }
        return w;
    }

    JsonNode awaitPhase(String id, String... phases) {
        Set<String> wanted = Set.of(phases);
        return await(id, WAIT, "in " + wanted, w -> wanted.contains(w.get("phase").asText()));
    }

    JsonNode awaitTerminal(String id) {
        return await(id, WAIT, "terminal", w -> TERMINAL.contains(w.get("phase").asText()));
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- request bodies

    static String b64(String script) {
        return Base64.getEncoder().encodeToString(script.getBytes(StandardCharsets.UTF_8));
    }

    /** A PyTorchJob in the default workspace with small requests; callers change what they need. */
    static Map<String, Object> job(String name, int replica, String script) {
        Map<String, Object> resource = new LinkedHashMap<>();
        resource.put("replica", replica);
        resource.put("cpu", "1");
        resource.put("memory", "1Gi");
        resource.put("ephemeralStorage", "1Gi");
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("displayName", name);
        spec.put("workspaceId", "default");
        spec.put("groupVersionKind", Map.of("version", "v1", "kind", "PyTorchJob"));
        spec.put("image", "python:3");
        spec.put("entryPoint", b64(script));
        spec.put("resource", resource);
        spec.put("ttlSecondsAfterFinished", 3600);
        return spec;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> resource(Map<String, Object> spec) {
        return (Map<String, Object>) spec.get("resource");
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static List<String> conditionReasons(JsonNode w) {
        List<String> out = new ArrayList<>();
        w.get("conditions").forEach(c -> out.add(c.get("type").asText() + "/" + c.get("reason").asText()));
        return out;
    }
}
