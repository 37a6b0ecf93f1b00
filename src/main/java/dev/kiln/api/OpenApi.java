package dev.kiln.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Generates the OpenAPI 3.1 document from the route list and the request/response records themselves, so
 * every route and every field is documented by construction.
 */
final class OpenApi {
    private static final Pattern PATH_PARAM = Pattern.compile("\\{([^}]+)}");

    private final Map<String, Object> schemas = new TreeMap<>();

    static Map<String, Object> document(List<Route> routes, String version) {
        return new OpenApi().build(routes, version);
    }

    private Map<String, Object> build(List<Route> routes, String version) {
        Map<String, Object> paths = new TreeMap<>();
        for (Route route : routes) {
            @SuppressWarnings("unchecked")
            Map<String, Object> item = (Map<String, Object>) paths.computeIfAbsent(route.path(), p -> new LinkedHashMap<>());
            item.put(route.method().name().toLowerCase(Locale.ROOT), operation(route));
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.1.0");
        doc.put("info", Map.of("title", "Kiln API", "version", version,
                "description", "Workloads for AI clusters: PyTorchJob, Deployment, StatefulSet, Authoring."));
        doc.put("paths", paths);
        schema(Views.ErrorResponse.class);
        doc.put("components", Map.of(
                "schemas", schemas,
                "securitySchemes", Map.of("bearer", Map.of("type", "http", "scheme", "bearer"))));
        doc.put("security", List.of(Map.of("bearer", List.of())));
        return doc;
    }

    private Map<String, Object> operation(Route route) {
        Map<String, Object> op = new LinkedHashMap<>();
        op.put("summary", route.summary());
        op.put("operationId", route.method().name().toLowerCase(Locale.ROOT) + route.path().replaceAll("[^A-Za-z0-9]+", "_"));
        List<Map<String, Object>> params = new java.util.ArrayList<>();
        Matcher m = PATH_PARAM.matcher(route.path());
        while (m.find()) {
            params.add(Map.of("name", m.group(1), "in", "path", "required", true, "schema", Map.of("type", "string", "pattern", "^[a-z0-9-]{1,63}$")));
        }
        for (Route.Param p : route.queryParams()) {
            params.add(Map.of("name", p.name(), "in", "query", "required", false, "description", p.description(),
                    "schema", Map.of("type", p.type())));
        }
        if (!params.isEmpty()) {
            op.put("parameters", params);
        }
        if (route.requestBody() != null) {
            op.put("requestBody", Map.of("required", true, "content",
                    Map.of("application/json", Map.of("schema", schema(route.requestBody())))));
        }
        Map<String, Object> responses = new LinkedHashMap<>();
        if (route.webSocket() != null) {
            responses.put("101", Map.of("description", "Switching Protocols: a WebSocket (see docs/SHELL.md)"));
        } else if (route.responseBody() == null || route.responseBody() == Views.BatchResponse.class) {
            responses.put("200", Map.of("description", "Done; empty body"));
        } else {
            responses.put("200", Map.of("description", "OK", "content",
                    Map.of("application/json", Map.of("schema", schema(route.responseBody())))));
        }
        if (route.requestBody() != null && route.path().matches(".*/(delete|stop|clone)$")) {
            responses.put("207", Map.of("description", "Some ids failed; one result per id", "content",
                    Map.of("application/json", Map.of("schema", schema(Views.BatchResponse.class)))));
        }
        responses.put("default", Map.of("description", "Error", "content",
                Map.of("application/json", Map.of("schema", Map.of("$ref", "#/components/schemas/ErrorResponse")))));
        op.put("responses", responses);
        return op;
    }

    private Map<String, Object> schema(Type type) {
        if (type instanceof ParameterizedType p) {
            Type raw = p.getRawType();
            if (raw == List.class) {
                return Map.of("type", "array", "items", schema(p.getActualTypeArguments()[0]));
            }
            if (raw == Map.class) {
                return Map.of("type", "object", "additionalProperties", schema(p.getActualTypeArguments()[1]));
            }
        }
        Class<?> c = (Class<?>) type;
        if (c == String.class) return Map.of("type", "string");
        if (c == Integer.class || c == int.class) return Map.of("type", "integer", "format", "int32");
        if (c == Long.class || c == long.class) return Map.of("type", "integer", "format", "int64");
        if (c == Boolean.class || c == boolean.class) return Map.of("type", "boolean");
        if (c == Object.class) return Map.of();
        if (c == java.time.Instant.class) return Map.of("type", "string", "format", "date-time");
        if (!c.isRecord()) {
            throw new IllegalArgumentException("no OpenAPI schema for " + c);
        }
        String name = c.getSimpleName();
        if (!schemas.containsKey(name)) {
            schemas.put(name, Map.of()); // placeholder against recursion
            Map<String, Object> properties = new LinkedHashMap<>();
            addProperties(c, properties);
            schemas.put(name, Map.of("type", "object", "properties", properties));
        }
        return Map.of("$ref", "#/components/schemas/" + name);
    }

    /** The JSON properties of a record: its components, with {@code @JsonUnwrapped} ones inlined as Jackson writes them. */
    private void addProperties(Class<?> record, Map<String, Object> properties) {
        for (RecordComponent rc : record.getRecordComponents()) {
            if (rc.getAccessor().isAnnotationPresent(com.fasterxml.jackson.annotation.JsonIgnore.class)) {
                continue;
            }
            if (rc.isAnnotationPresent(com.fasterxml.jackson.annotation.JsonUnwrapped.class)
                    || rc.getAccessor().isAnnotationPresent(com.fasterxml.jackson.annotation.JsonUnwrapped.class)) {
                addProperties(rc.getType(), properties);
            } else {
                properties.put(jsonName(rc), schema(rc.getGenericType()));
            }
        }
    }

    static String jsonName(RecordComponent rc) {
        JsonProperty p = rc.getAnnotation(JsonProperty.class);
        if (p == null) {
            p = rc.getAccessor().getAnnotation(JsonProperty.class);
        }
        return p != null && !p.value().isEmpty() ? p.value() : rc.getName();
    }
}
