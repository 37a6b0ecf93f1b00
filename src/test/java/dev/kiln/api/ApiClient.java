package dev.kiln.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/** A real HTTP client for tests: JSON in, {@link Response} out. */
public final class ApiClient {
    public static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String token;

    public ApiClient(String baseUrl) {
        this(baseUrl, null);
    }

    /** A client that sends {@code Authorization: Bearer <token>} (null: none). */
    public ApiClient(String baseUrl, String token) {
        this.baseUrl = baseUrl;
        this.token = token;
    }

    public record Response(int status, String body, HttpResponse<String> raw) {
        public JsonNode json() {
            try {
                return body.isEmpty() ? JSON.nullNode() : JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON (status " + status + "): " + body, e);
            }
        }

        /** The fields named in details[].field of an error response. */
        public java.util.List<String> errorFields() {
            JsonNode details = json().path("details");
            java.util.List<String> out = new java.util.ArrayList<>();
            details.forEach(d -> out.add(d.path("field").asText()));
            return out;
        }

        public String errorCode() {
            return json().path("errorCode").asText();
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    public Response get(String path) {
        return send("GET", path, null, null);
    }

    public Response delete(String path) {
        return send("DELETE", path, null, null);
    }

    public Response post(String path, Object body) {
        return send("POST", path, body == null ? null : toJson(body), "application/json");
    }

    public Response patch(String path, Object body) {
        return send("PATCH", path, toJson(body), "application/json");
    }

    /** POST of a raw text body with the given Content-Type (null: no Content-Type header). */
    public Response postRaw(String path, String body, String contentType) {
        return send("POST", path, body, contentType);
    }

    public Response send(String method, String path, String body, String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        b.method(method, body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Creates a workload and returns its id; fails the test unless the server said 200. */
    public String create(Object body) {
        Response r = post("/api/v1/workloads", body);
        if (r.status() != 200) {
            throw new AssertionError("create failed: " + r);
        }
        return r.json().path("workloadId").asText();
    }

    public JsonNode getWorkload(String id) {
        Response r = get("/api/v1/workloads/" + id);
        if (r.status() != 200) {
            throw new AssertionError("get " + id + " failed: " + r);
        }
        return r.json();
    }

    public static String query(Map<String, String> params) {
        return params.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&", "?", ""));
    }

    public static String toJson(Object body) {
        if (body instanceof String s) {
            return s;
        }
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
