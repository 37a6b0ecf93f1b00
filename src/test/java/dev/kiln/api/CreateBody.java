package dev.kiln.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test-data builder for create requests: {@code CreateBody.pytorchJob("train").gpu("8").replica(2)}. Any field,
 * also a wrong one, can be set or removed by its dotted path, so validation tests can say exactly what is bad.
 */
public final class CreateBody {
    private final Map<String, Object> body = new LinkedHashMap<>();

    private CreateBody(String displayName, String kind) {
        body.put("displayName", displayName);
        body.put("workspaceId", "default");
        body.put("entryPoint", base64("echo hello"));
        set("groupVersionKind.version", "v1");
        set("groupVersionKind.kind", kind);
        set("resource.replica", 1);
        set("resource.cpu", "1");
        set("resource.gpu", "0");
        set("resource.memory", "1Gi");
    }

    public static CreateBody pytorchJob(String displayName) {
        return new CreateBody(displayName, "PyTorchJob");
    }

    public static CreateBody deployment(String displayName) {
        return new CreateBody(displayName, "Deployment");
    }

    public static CreateBody statefulSet(String displayName) {
        return new CreateBody(displayName, "StatefulSet");
    }

    public static CreateBody authoring(String displayName) {
        return new CreateBody(displayName, "Authoring");
    }

    public static String base64(String script) {
        return Base64.getEncoder().encodeToString(script.getBytes(StandardCharsets.UTF_8));
    }

    public CreateBody workspace(String id) {
        return set("workspaceId", id);
    }

    public CreateBody description(String text) {
        return set("description", text);
    }

    public CreateBody replica(int n) {
        return set("resource.replica", n);
    }

    public CreateBody cpu(String cpu) {
        return set("resource.cpu", cpu);
    }

    public CreateBody gpu(String gpu) {
        return set("resource.gpu", gpu);
    }

    public CreateBody memory(String memory) {
        return set("resource.memory", memory);
    }

    public CreateBody priority(int p) {
        return set("priority", p);
    }

    public CreateBody timeout(long seconds) {
        return set("timeout", seconds);
    }

    public CreateBody script(String script) {
        return set("entryPoint", base64(script));
    }

    /** Sets a value at a dotted path ("resource.gpu"), creating objects on the way. */
    @SuppressWarnings("unchecked")
    public CreateBody set(String path, Object value) {
        String[] parts = path.split("\\.");
        Map<String, Object> m = body;
        for (int i = 0; i < parts.length - 1; i++) {
            m = (Map<String, Object>) m.computeIfAbsent(parts[i], k -> new LinkedHashMap<>());
        }
        m.put(parts[parts.length - 1], value);
        return this;
    }

    /** Removes the value at a dotted path. */
    @SuppressWarnings("unchecked")
    public CreateBody without(String path) {
        String[] parts = path.split("\\.");
        Map<String, Object> m = body;
        for (int i = 0; i < parts.length - 1; i++) {
            Object next = m.get(parts[i]);
            if (!(next instanceof Map)) {
                return this;
            }
            m = (Map<String, Object>) next;
        }
        m.remove(parts[parts.length - 1]);
        return this;
    }

    public Map<String, Object> build() {
        return deepCopy(body);
    }

    public String json() {
        return ApiClient.toJson(build());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> deepCopy(Map<String, Object> in) {
        Map<String, Object> out = new LinkedHashMap<>();
        in.forEach((k, v) -> out.put(k, v instanceof Map ? deepCopy((Map<String, Object>) v)
                : v instanceof List<?> l ? new ArrayList<>(l) : v));
        return out;
    }
}
