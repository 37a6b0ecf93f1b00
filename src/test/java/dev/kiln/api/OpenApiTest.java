package dev.kiln.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.TestKiln;
import dev.kiln.TestingClock;
import dev.kiln.server.Kiln;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /openapi.json documents exactly the routes Javalin serves, and every field the API reads and writes. */
class OpenApiTest {
    static final List<String> CREATE_FIELDS = List.of("displayName", "description", "workspaceId", "specifiedNodes",
            "resource.replica", "resource.cpu", "resource.gpu", "resource.memory", "resource.ephemeralStorage",
            "image", "entryPoint", "isSupervised", "priority", "timeout", "maxRetry", "ttlSecondsAfterFinished",
            "customerLabels", "env", "liveness.path", "liveness.port", "liveness.initialDelaySeconds",
            "liveness.periodSeconds", "liveness.failureThreshold", "readiness.path", "service.protocol",
            "service.port", "service.nodePort", "service.targetPort", "service.serviceType", "service.extends",
            "dependencies", "cronJobs[].schedule", "cronJobs[].action", "groupVersionKind.version",
            "groupVersionKind.kind", "isTolerateAll");

    @TempDir
    static Path dataDir;

    static Kiln kiln;
    static ApiClient api;
    static JsonNode doc;

    @BeforeAll
    static void start() {
        kiln = Kiln.start(TestKiln.config(dataDir), new TestingClock());
        api = new ApiClient(kiln.url());
        ApiClient.Response r = api.get("/openapi.json");
        assertThat(r.status()).isEqualTo(200);
        doc = r.json();
    }

    @AfterAll
    static void stop() {
        if (kiln != null) {
            kiln.close();
        }
    }

    @Test
    void isOpenApi31() {
        assertThat(doc.get("openapi").asText()).startsWith("3.1");
        assertThat(doc.get("info").get("title").asText()).isNotBlank();
        assertThat(doc.get("info").get("version").asText()).isNotBlank();
    }

    @Test
    void pathsAndMethodsAreExactlyTheRegisteredHandlers() {
        Set<String> documented = new HashSet<>();
        doc.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
                .forEachRemaining(method -> documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey())));
        List<String> registered = kiln.api().registeredRoutes();
        assertThat(registered).doesNotHaveDuplicates().isNotEmpty();
        assertThat(documented).containsExactlyInAnyOrderElementsOf(registered);
        assertThat(documented).contains("POST /api/v1/workloads", "GET /api/v1/workloads/{workloadId}",
                "PATCH /api/v1/workloads/{workloadId}", "POST /api/v1/workloads/clone",
                "GET /api/v1/workloads/{workloadId}/pods/{podId}/logs", "GET /healthz", "GET /metrics");
    }

    @Test
    void everyCreateRequestFieldIsInTheSchema() {
        JsonNode schema = doc.at("/paths/~1api~1v1~1workloads/post/requestBody/content/application~1json/schema");
        assertThat(schema.isMissingNode()).isFalse();
        for (String field : CREATE_FIELDS) {
            assertThat(resolve(schema, field)).as(field).isNotNull();
        }
    }

    @Test
    void everyFieldOfARealGetResponseIsInTheSchema() {
        String id = api.create(CreateBody.deployment("openapi web").set("env", Map.of("A", "1"))
                .set("customerLabels", Map.of("zone", "a"))
                .set("liveness", Map.of("path", "/", "port", 80)).set("readiness", Map.of("path", "/", "port", 80))
                .set("service", Map.of("port", 80, "extends", Map.of("x", 1)))
                .set("cronJobs", List.of(Map.of("schedule", "0 3 * * *"))).build());
        JsonNode schema = doc.at("/paths/~1api~1v1~1workloads~1{workloadId}/get/responses/200/content/application~1json/schema");
        assertThat(schema.isMissingNode()).isFalse();
        List<String> paths = new ArrayList<>();
        collect(api.getWorkload(id), "", paths);
        assertThat(paths).contains("conditions[].type", "resource.sharedMemory", "groupVersionKind.group", "service.extends");
        for (String field : paths) {
            assertThat(resolve(schema, field)).as(field).isNotNull();
        }
        JsonNode listSchema = doc.at("/paths/~1api~1v1~1workloads/get/responses/200/content/application~1json/schema");
        List<String> listPaths = new ArrayList<>();
        collect(api.get("/api/v1/workloads").json(), "", listPaths);
        for (String field : listPaths) {
            assertThat(resolve(listSchema, field)).as(field).isNotNull();
        }
    }

    /** Every field path of a JSON value: a.b, a[].b; maps' and free objects' keys are not descended into. */
    static void collect(JsonNode node, String prefix, List<String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
                out.add(path);
                if (!Set.of("env", "customerLabels", "extends").contains(e.getKey())) {
                    collect(e.getValue(), path, out);
                }
            });
        } else if (node.isArray() && !node.isEmpty()) {
            collect(node.get(0), prefix + "[]", out);
        }
    }

    /** The schema of a field path, following $refs; null when the schema does not have it. */
    static JsonNode resolve(JsonNode schema, String path) {
        JsonNode current = deref(schema);
        for (String part : path.split("\\.")) {
            boolean array = part.endsWith("[]");
            String name = array ? part.substring(0, part.length() - 2) : part;
            JsonNode props = current.path("properties");
            if (!props.has(name)) {
                return null;
            }
            current = deref(props.get(name));
            if (array) {
                if (!"array".equals(current.path("type").asText())) {
                    return null;
                }
                current = deref(current.get("items"));
            }
        }
        return current;
    }

    static JsonNode deref(JsonNode schema) {
        while (schema.has("$ref")) {
            String ref = schema.get("$ref").asText();
            schema = doc.at(ref.substring(1));
        }
        return schema;
    }
}
