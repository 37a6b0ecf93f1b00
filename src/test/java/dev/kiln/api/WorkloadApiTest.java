package dev.kiln.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.TestKiln;
import dev.kiln.TestingClock;
import dev.kiln.server.Kiln;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every workload endpoint's success shape and the state changes behind it, over real HTTP. */
class WorkloadApiTest {
    static final String W = "/api/v1/workloads";
    static final List<String> LIST_FIELDS = List.of("workloadId", "workspaceId", "resource", "displayName",
            "description", "userId", "userName", "clusterId", "phase", "message", "priority", "creationTime",
            "startTime", "endTime", "deletionTime", "runtime", "secondsUntilTimeout", "schedulerOrder",
            "dispatchCount", "isTolerateAll", "groupVersionKind", "timeout", "workloadUid", "k8sObjectUid");
    static final List<String> DETAIL_EXTRA_FIELDS = List.of("specifiedNodes", "image", "entryPoint", "isSupervised",
            "maxRetry", "ttlSecondsAfterFinished", "conditions", "pods", "nodes", "ranks", "customerLabels", "env",
            "liveness", "readiness", "service", "dependencies", "cronJobs");
    static final List<String> RESOURCE_FIELDS = List.of("replica", "cpu", "gpu", "memory", "ephemeralStorage", "sharedMemory");
    static final String ID_CHARS = "[bcdfghjklmnpqrstvwxz2456789]{5}";

    @TempDir
    static Path dataDir;

    static TestingClock clock = new TestingClock();
    static Kiln kiln;
    static ApiClient api;

    @BeforeAll
    static void start() {
        kiln = Kiln.start(TestKiln.config(dataDir), clock);
        api = new ApiClient(kiln.url());
    }

    @AfterAll
    static void stop() {
        if (kiln != null) {
            kiln.close();
        }
    }

    @Test
    void createReturnsOnlyTheWorkloadIdAndGetSeesItAtOnce() {
        ApiClient.Response r = api.post(W, CreateBody.pytorchJob("Read Your Writes").build());
        assertThat(r.status()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(fieldNames(body)).containsExactly("workloadId");
        String id = body.get("workloadId").asText();
        assertThat(id).matches("read-your-writes-" + ID_CHARS);

        ApiClient.Response got = api.get(W + "/" + id);
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.json().get("workloadId").asText()).isEqualTo(id);
    }

    @Test
    void getReturnsEveryDetailFieldWithDefaults() {
        String id = api.create(CreateBody.pytorchJob("detail shape").description("all the fields")
                .set("env", Map.of("FOO", "bar")).set("customerLabels", Map.of("zone", "a")).build());
        JsonNode d = api.getWorkload(id);
        List<String> expected = new ArrayList<>(LIST_FIELDS);
        expected.addAll(DETAIL_EXTRA_FIELDS);
        assertThat(fieldNames(d)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(fieldNames(d.get("resource"))).containsExactlyInAnyOrderElementsOf(RESOURCE_FIELDS);
        assertThat(fieldNames(d.get("groupVersionKind"))).containsExactlyInAnyOrder("group", "version", "kind");

        assertThat(d.get("workspaceId").asText()).isEqualTo("default");
        assertThat(d.get("displayName").asText()).isEqualTo("detail shape");
        assertThat(d.get("description").asText()).isEqualTo("all the fields");
        assertThat(d.get("phase").asText()).isEqualTo("Pending");
        assertThat(d.get("clusterId").asText()).isEqualTo("local");
        assertThat(d.get("userName").asText()).isEqualTo(System.getProperty("user.name"));
        assertThat(d.get("userId").asText()).isNotEmpty();
        assertThat(d.get("priority").asInt()).isZero();
        assertThat(d.get("creationTime").asText()).isEqualTo("2026-06-01T12:00:00");
        assertThat(d.get("startTime").asText()).isEmpty();
        assertThat(d.get("endTime").asText()).isEmpty();
        assertThat(d.get("deletionTime").asText()).isEmpty();
        assertThat(d.get("runtime").asText()).isEqualTo("0s");
        assertThat(d.get("secondsUntilTimeout").asLong()).isZero(); // no timeout
        assertThat(d.get("dispatchCount").asInt()).isZero();
        assertThat(d.get("isTolerateAll").asBoolean()).isFalse();
        assertThat(d.get("isSupervised").asBoolean()).isFalse();
        assertThat(d.get("timeout").asLong()).isZero();
        assertThat(d.get("maxRetry").asInt()).isZero();
        assertThat(d.get("ttlSecondsAfterFinished").asLong()).isEqualTo(60);
        assertThat(d.get("workloadUid").asText()).matches("[0-9a-f-]{36}");
        assertThat(d.get("groupVersionKind").get("kind").asText()).isEqualTo("PyTorchJob");
        assertThat(d.get("groupVersionKind").get("version").asText()).isEqualTo("v1");
        assertThat(d.get("resource").get("replica").asInt()).isEqualTo(1);
        assertThat(d.get("resource").get("cpu").asText()).isEqualTo("1");
        assertThat(d.get("resource").get("gpu").asText()).isEqualTo("0");
        assertThat(d.get("resource").get("memory").asText()).isEqualTo("1Gi");
        assertThat(d.get("resource").get("ephemeralStorage").asText()).isEqualTo("50Gi");
        assertThat(d.get("resource").get("sharedMemory").asText()).isEqualTo("512Mi");
        assertThat(d.get("entryPoint").asText()).isEqualTo(CreateBody.base64("echo hello"));
        assertThat(d.get("env").get("FOO").asText()).isEqualTo("bar");
        assertThat(d.get("customerLabels").get("zone").asText()).isEqualTo("a");
        assertThat(d.get("pods").isArray()).isTrue();
        assertThat(d.get("pods")).isEmpty();
        assertThat(d.get("nodes").isArray()).isTrue();
        assertThat(d.get("nodes")).isEmpty();
        assertThat(d.get("ranks").isArray()).isTrue();
        assertThat(d.get("ranks")).isEmpty();
        assertThat(d.get("specifiedNodes")).isEmpty();
        assertThat(d.get("dependencies")).isEmpty();
        assertThat(d.get("cronJobs")).isEmpty();

        JsonNode conditions = d.get("conditions");
        assertThat(conditions).hasSize(1);
        JsonNode queued = conditions.get(0);
        assertThat(fieldNames(queued)).containsExactlyInAnyOrder("type", "status", "reason", "message", "lastTransitionTime");
        assertThat(queued.get("type").asText()).isEqualTo("Queued");
        assertThat(queued.get("status").asText()).isEqualTo("True");
        assertThat(queued.get("lastTransitionTime").asText()).isEqualTo("2026-06-01T12:00:00");
    }

    @Test
    void secondsUntilTimeoutIsMinusOneWhenATimeoutIsSetButTheWorkloadHasNotStarted() {
        String id = api.create(CreateBody.pytorchJob("with timeout").timeout(3600).build());
        JsonNode d = api.getWorkload(id);
        assertThat(d.get("timeout").asLong()).isEqualTo(3600);
        assertThat(d.get("secondsUntilTimeout").asLong()).isEqualTo(-1);
        JsonNode item = findInList(id);
        assertThat(item.get("secondsUntilTimeout").asLong()).isEqualTo(-1);
    }

    @Test
    void deploymentWithProbesServiceAndLabelsRoundTrips() {
        String id = api.create(CreateBody.deployment("web")
                .set("liveness", Map.of("path", "/healthz", "port", 8080))
                .set("readiness", Map.of("path", "/ready", "port", 8080, "periodSeconds", 5))
                .set("service", Map.of("port", 80, "targetPort", 8080))
                .set("maxRetry", 5)
                .set("isSupervised", true)
                .build());
        JsonNode d = api.getWorkload(id);
        assertThat(d.get("groupVersionKind").get("kind").asText()).isEqualTo("Deployment");
        assertThat(d.get("liveness").get("path").asText()).isEqualTo("/healthz");
        assertThat(d.get("liveness").get("initialDelaySeconds").asInt()).isEqualTo(600);
        assertThat(d.get("liveness").get("periodSeconds").asInt()).isEqualTo(3);
        assertThat(d.get("liveness").get("failureThreshold").asInt()).isEqualTo(3);
        assertThat(d.get("readiness").get("periodSeconds").asInt()).isEqualTo(5);
        assertThat(fieldNames(d.get("service"))).containsExactlyInAnyOrder(
                "protocol", "port", "nodePort", "targetPort", "serviceType", "extends");
        assertThat(d.get("service").get("protocol").asText()).isEqualTo("TCP");
        assertThat(d.get("service").get("serviceType").asText()).isEqualTo("ClusterIP");
        // kind rules: services never retry and are not supervised
        assertThat(d.get("maxRetry").asInt()).isZero();
        assertThat(d.get("isSupervised").asBoolean()).isFalse();
    }

    @Test
    void authoringDefaultsItsEntryPointAndForcesOneReplica() {
        String id = api.create(CreateBody.authoring("dev box").without("entryPoint").replica(3).build());
        JsonNode d = api.getWorkload(id);
        assertThat(d.get("resource").get("replica").asInt()).isEqualTo(1);
        assertThat(d.get("entryPoint").asText()).isEqualTo(CreateBody.base64("sleep infinity"));
    }

    @Test
    void specifiedNodesOverwriteTheReplicaCount() {
        String id = api.create(CreateBody.pytorchJob("pinned").replica(1)
                .set("specifiedNodes", List.of("node-a", "node-b")).build());
        JsonNode d = api.getWorkload(id);
        assertThat(d.get("resource").get("replica").asInt()).isEqualTo(2);
        assertThat(d.get("specifiedNodes").toString()).isEqualTo("[\"node-a\",\"node-b\"]");
    }

    @Test
    void oneTimeCronScheduleInTheFutureIsAccepted() {
        String id = api.create(CreateBody.pytorchJob("nightly").set("cronJobs", List.of(
                Map.of("schedule", "2026-06-02T03:00:00.000Z"),
                Map.of("schedule", "0 3 * * *", "action", "stop"))).build());
        JsonNode cron = api.getWorkload(id).get("cronJobs");
        assertThat(cron).hasSize(2);
        assertThat(cron.get(0).get("action").asText()).isEqualTo("start");
        assertThat(cron.get(1).get("schedule").asText()).isEqualTo("0 3 * * *");
        assertThat(cron.get(1).get("action").asText()).isEqualTo("stop");
    }

    @Test
    void listReturnsTotalCountAndItemsWithEveryListField() {
        String id = api.create(CreateBody.pytorchJob("list shape").build());
        ApiClient.Response r = api.get(W + "?limit=1000");
        assertThat(r.status()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(fieldNames(body)).containsExactlyInAnyOrder("totalCount", "items");
        assertThat(body.get("totalCount").asLong()).isEqualTo(body.get("items").size());
        JsonNode item = findInList(id);
        assertThat(fieldNames(item)).containsExactlyInAnyOrderElementsOf(LIST_FIELDS);
        assertThat(fieldNames(item.get("resource"))).containsExactlyInAnyOrderElementsOf(RESOURCE_FIELDS);
        assertThat(fieldNames(item.get("groupVersionKind"))).containsExactlyInAnyOrder("version", "kind");
        assertThat(item.get("phase").asText()).isEqualTo("Pending");
    }

    @Test
    void idsAreNormalisedDisplayNamesWithARandomSuffix() {
        String id = api.create(CreateBody.pytorchJob("My Training_Job!!").build());
        assertThat(id).matches("my-training-job-" + ID_CHARS);
        assertThat(api.getWorkload(id).get("displayName").asText()).isEqualTo("My Training_Job!!");

        String longName = "A".repeat(40) + " " + "b".repeat(40);
        String longId = api.create(CreateBody.pytorchJob(longName).build());
        assertThat(longId).hasSize(63).matches("a{40}-b{16}-" + ID_CHARS);

        String same1 = api.create(CreateBody.pytorchJob("twin").build());
        String same2 = api.create(CreateBody.pytorchJob("twin").build());
        assertThat(same1).isNotEqualTo(same2);
    }

    @Test
    void patchOfAPendingWorkloadChangesEveryListedField() {
        String id = api.create(CreateBody.pytorchJob("patch me").build());
        ApiClient.Response r = api.patch(W + "/" + id, Map.ofEntries(
                Map.entry("priority", 1),
                Map.entry("replica", 2),
                Map.entry("cpu", "4"),
                Map.entry("gpu", "2"),
                Map.entry("memory", "8Gi"),
                Map.entry("ephemeralStorage", "100Gi"),
                Map.entry("sharedMemory", "2Gi"),
                Map.entry("image", "docker.io/me/train:2"),
                Map.entry("entryPoint", CreateBody.base64("python train.py")),
                Map.entry("env", Map.of("A", "1")),
                Map.entry("description", "patched"),
                Map.entry("timeout", 600),
                Map.entry("maxRetry", 3),
                Map.entry("cronJobs", List.of(Map.of("schedule", "2026-06-03T00:00:00Z")))));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.body()).isEmpty();

        JsonNode d = api.getWorkload(id);
        assertThat(d.get("priority").asInt()).isEqualTo(1);
        assertThat(d.get("resource").get("replica").asInt()).isEqualTo(2);
        assertThat(d.get("resource").get("cpu").asText()).isEqualTo("4");
        assertThat(d.get("resource").get("gpu").asText()).isEqualTo("2");
        assertThat(d.get("resource").get("memory").asText()).isEqualTo("8Gi");
        assertThat(d.get("resource").get("ephemeralStorage").asText()).isEqualTo("100Gi");
        assertThat(d.get("resource").get("sharedMemory").asText()).isEqualTo("2Gi");
        assertThat(d.get("image").asText()).isEqualTo("docker.io/me/train:2");
        assertThat(d.get("entryPoint").asText()).isEqualTo(CreateBody.base64("python train.py"));
        assertThat(d.get("env").toString()).isEqualTo("{\"A\":\"1\"}");
        assertThat(d.get("description").asText()).isEqualTo("patched");
        assertThat(d.get("timeout").asLong()).isEqualTo(600);
        assertThat(d.get("secondsUntilTimeout").asLong()).isEqualTo(-1);
        assertThat(d.get("maxRetry").asInt()).isEqualTo(3);
        assertThat(d.get("cronJobs").get(0).get("schedule").asText()).isEqualTo("2026-06-03T00:00:00Z");
        assertThat(d.get("displayName").asText()).isEqualTo("patch me"); // untouched
    }

    @Test
    void patchOnlyChangesTheFieldsPresent() {
        String id = api.create(CreateBody.pytorchJob("partial patch").description("before").priority(1).gpu("1").build());
        assertThat(api.patch(W + "/" + id, Map.of("description", "after")).status()).isEqualTo(200);
        JsonNode d = api.getWorkload(id);
        assertThat(d.get("description").asText()).isEqualTo("after");
        assertThat(d.get("priority").asInt()).isEqualTo(1);
        assertThat(d.get("resource").get("gpu").asText()).isEqualTo("1");
    }

    @Test
    void patchIsValidatedAsOnCreate() {
        String id = api.create(CreateBody.pytorchJob("bad patch").build());
        assertError(api.patch(W + "/" + id, Map.of("priority", 3)), 400, "priority");
        assertError(api.patch(W + "/" + id, Map.of("gpu", "nine")), 400, "gpu");
        assertError(api.patch(W + "/" + id, Map.of("gpu", "9")), 400, "gpu");
        assertError(api.patch(W + "/" + id, Map.of("replica", 4)), 400, "replica");
        assertError(api.patch(W + "/" + id, Map.of("memory", "2Gi", "sharedMemory", "4Gi")), 400, "sharedMemory");
        assertError(api.patch(W + "/" + id, Map.of("entryPoint", "%%%")), 400, "entryPoint");
        assertError(api.patch(W + "/" + id, Map.of("env", Map.of("1BAD", "x"))), 400, "env.1BAD");
        assertError(api.patch(W + "/" + id, Map.of("timeout", -1)), 400, "timeout");
        assertError(api.patch(W + "/" + id, Map.of("maxRetry", 51)), 400, "maxRetry");
        assertError(api.patch(W + "/" + id, Map.of("cronJobs", List.of(Map.of("schedule", "2026-01-01T00:00:00Z")))),
                400, "cronJobs[0].schedule");
        assertError(api.patch(W + "/" + id, Map.of("priority", "high")), 400, "priority");
        // nothing of the rejected patches stuck
        JsonNode d = api.getWorkload(id);
        assertThat(d.get("priority").asInt()).isZero();
        assertThat(d.get("resource").get("gpu").asText()).isEqualTo("0");
    }

    @Test
    void patchWithANewMemoryKeepsTheSharedMemoryDefaultValid() {
        String id = api.create(CreateBody.pytorchJob("shm default").memory("8Gi").build());
        assertThat(api.patch(W + "/" + id, Map.of("memory", "2Gi")).status()).isEqualTo(200);
        assertThat(api.getWorkload(id).get("resource").get("sharedMemory").asText()).isEqualTo("1Gi");
    }

    @Test
    void patchOfAStoppedWorkloadIsAConflict() {
        String id = api.create(CreateBody.pytorchJob("patch stopped").build());
        assertThat(api.post(W + "/" + id + "/stop", null).status()).isEqualTo(200);
        ApiClient.Response r = api.patch(W + "/" + id, Map.of("priority", 1));
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.errorCode()).isEqualTo("Conflict");
    }

    @Test
    void patchOfAnUnknownWorkloadIs404() {
        ApiClient.Response r = api.patch(W + "/no-such-workload", Map.of("priority", 1));
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.errorCode()).isEqualTo("WorkloadNotFound");
    }

    @Test
    void stopMovesAPendingWorkloadToStoppedOnceAndAgainChangesNothing() {
        String id = api.create(CreateBody.pytorchJob("stop me").build());
        clock.advance(Duration.ofSeconds(5));
        try {
            ApiClient.Response r = api.post(W + "/" + id + "/stop", null);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEmpty();
            JsonNode d = api.getWorkload(id);
            assertThat(d.get("phase").asText()).isEqualTo("Stopped");
            JsonNode conditions = d.get("conditions");
            assertThat(conditions).hasSize(2);
            JsonNode stopped = conditions.get(1);
            assertThat(stopped.get("type").asText()).isEqualTo("Stopped");
            assertThat(stopped.get("reason").asText()).isEqualTo("UserRequest");
            assertThat(stopped.get("message").asText()).contains(System.getProperty("user.name"));
            assertThat(d.get("message").asText()).isEqualTo(stopped.get("message").asText());
            assertThat(d.get("endTime").asText()).isNotEmpty();
            assertThat(d.get("schedulerOrder").asInt()).isZero();

            clock.advance(Duration.ofSeconds(5));
            assertThat(api.post(W + "/" + id + "/stop", null).status()).isEqualTo(200);
            JsonNode again = api.getWorkload(id);
            assertThat(again.get("conditions")).hasSize(2);
            assertThat(again.get("endTime").asText()).isEqualTo(d.get("endTime").asText());
        } finally {
            clock.set(java.time.Instant.parse("2026-06-01T12:00:00Z"));
        }
    }

    @Test
    void stopOfAnUnknownWorkloadIs404() {
        ApiClient.Response r = api.post(W + "/unknown-abcde/stop", null);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.errorCode()).isEqualTo("WorkloadNotFound");
    }

    @Test
    void deleteRemovesItFromGetAndList() {
        String id = api.create(CreateBody.pytorchJob("delete me").build());
        ApiClient.Response r = api.delete(W + "/" + id);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        ApiClient.Response got = api.get(W + "/" + id);
        assertThat(got.status()).isEqualTo(404);
        assertThat(got.errorCode()).isEqualTo("WorkloadNotFound");
        assertThat(api.get(W + "?workloadId=" + id).json().get("totalCount").asLong()).isZero();
        assertThat(api.delete(W + "/" + id).status()).isEqualTo(404);
        assertThat(api.post(W + "/" + id + "/stop", null).status()).isEqualTo(404);
    }

    @Test
    void deleteOfAnUnknownWorkloadIs404() {
        ApiClient.Response r = api.delete(W + "/never-existed");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.errorCode()).isEqualTo("WorkloadNotFound");
        assertThat(r.json().get("errorMessage").asText()).contains("never-existed");
    }

    @Test
    void batchStopAndDeleteReturn200WithNoBodyWhenAllSucceed() {
        String a = api.create(CreateBody.pytorchJob("batch a").build());
        String b = api.create(CreateBody.pytorchJob("batch b").build());
        ApiClient.Response stop = api.post(W + "/stop", Map.of("workloadIds", List.of(a, b)));
        assertThat(stop.status()).isEqualTo(200);
        assertThat(stop.body()).isEmpty();
        assertThat(api.getWorkload(a).get("phase").asText()).isEqualTo("Stopped");
        assertThat(api.getWorkload(b).get("phase").asText()).isEqualTo("Stopped");

        ApiClient.Response delete = api.post(W + "/delete", Map.of("workloadIds", List.of(a, b)));
        assertThat(delete.status()).isEqualTo(200);
        assertThat(delete.body()).isEmpty();
        assertThat(api.get(W + "/" + a).status()).isEqualTo(404);
        assertThat(api.get(W + "/" + b).status()).isEqualTo(404);
    }

    @Test
    void batchWithSomeFailuresIs207WithOneResultPerId() {
        String a = api.create(CreateBody.pytorchJob("partial a").build());
        ApiClient.Response stop = api.post(W + "/stop", Map.of("workloadIds", List.of(a, "missing-zzzzz", "BAD ID")));
        assertThat(stop.status()).isEqualTo(207);
        JsonNode results = stop.json().get("results");
        assertThat(results).hasSize(3);
        assertThat(results.get(0).get("workloadId").asText()).isEqualTo(a);
        assertThat(results.get(0).get("status").asInt()).isEqualTo(200);
        assertThat(results.get(1).get("workloadId").asText()).isEqualTo("missing-zzzzz");
        assertThat(results.get(1).get("status").asInt()).isEqualTo(404);
        assertThat(results.get(1).get("errorCode").asText()).isEqualTo("WorkloadNotFound");
        assertThat(results.get(1).get("errorMessage").asText()).contains("missing-zzzzz");
        assertThat(results.get(2).get("status").asInt()).isEqualTo(400);
        assertThat(results.get(2).get("errorCode").asText()).isEqualTo("BadRequest");
        assertThat(api.getWorkload(a).get("phase").asText()).isEqualTo("Stopped");

        ApiClient.Response delete = api.post(W + "/delete", Map.of("workloadIds", List.of("missing-zzzzz", a)));
        assertThat(delete.status()).isEqualTo(207);
        JsonNode dr = delete.json().get("results");
        assertThat(dr).hasSize(2);
        assertThat(dr.get(0).get("status").asInt()).isEqualTo(404);
        assertThat(dr.get(1).get("status").asInt()).isEqualTo(200);
        assertThat(fieldNames(dr.get(1))).contains("workloadId", "status");
        assertThat(api.get(W + "/" + a).status()).isEqualTo(404);
    }

    @Test
    void batchNeedsOneToAThousandIds() {
        assertError(api.post(W + "/stop", Map.of("workloadIds", List.of())), 400, "workloadIds");
        assertError(api.post(W + "/delete", Map.of()), 400, "workloadIds");
        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            tooMany.add("w-" + i);
        }
        assertError(api.post(W + "/clone", Map.of("workloadIds", tooMany)), 400, "workloadIds");
        assertError(api.post(W + "/stop", Map.of("workloadIds", "abc")), 400, "workloadIds");
    }

    @Test
    void cloneMakesNewPendingWorkloadsInRequestOrder() {
        String a = api.create(CreateBody.pytorchJob("Clone Source").description("original").priority(1).gpu("2").build());
        String b = api.create(CreateBody.deployment("other source").build());
        assertThat(api.post(W + "/" + a + "/stop", null).status()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(1));
        try {
            ApiClient.Response r = api.post(W + "/clone", Map.of("workloadIds", List.of(b, a)));
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            assertThat(fieldNames(r.json())).containsExactly("workloadIds");
            JsonNode ids = r.json().get("workloadIds");
            assertThat(ids).hasSize(2);
            String cloneOfB = ids.get(0).asText();
            String cloneOfA = ids.get(1).asText();
            assertThat(cloneOfB).matches("other-source-" + ID_CHARS).isNotEqualTo(b);
            assertThat(cloneOfA).matches("clone-source-" + ID_CHARS).isNotEqualTo(a);

            JsonNode c = api.getWorkload(cloneOfA);
            assertThat(c.get("phase").asText()).isEqualTo("Pending");
            assertThat(c.get("displayName").asText()).isEqualTo("Clone Source");
            assertThat(c.get("description").asText()).isEqualTo("original");
            assertThat(c.get("priority").asInt()).isEqualTo(1);
            assertThat(c.get("resource").get("gpu").asText()).isEqualTo("2");
            assertThat(c.get("userName").asText()).isEqualTo(System.getProperty("user.name"));
            assertThat(c.get("creationTime").asText()).isEqualTo("2026-06-01T12:01:00");
            assertThat(c.get("endTime").asText()).isEmpty();
            assertThat(c.get("dispatchCount").asInt()).isZero();
            assertThat(c.get("workloadUid").asText()).isNotEqualTo(api.getWorkload(a).get("workloadUid").asText());
            JsonNode conditions = c.get("conditions");
            assertThat(conditions).hasSize(1);
            assertThat(conditions.get(0).get("type").asText()).isEqualTo("Queued");
            assertThat(api.getWorkload(cloneOfB).get("groupVersionKind").get("kind").asText()).isEqualTo("Deployment");
        } finally {
            clock.set(java.time.Instant.parse("2026-06-01T12:00:00Z"));
        }
    }

    @Test
    void cloneWithAnUnknownIdIs207AndTheOthersAreStillCloned() {
        String a = api.create(CreateBody.pytorchJob("clone partial").build());
        ApiClient.Response r = api.post(W + "/clone", Map.of("workloadIds", List.of("missing-qqqqq", a)));
        assertThat(r.status()).isEqualTo(207);
        JsonNode results = r.json().get("results");
        assertThat(results.get(0).get("status").asInt()).isEqualTo(404);
        assertThat(results.get(1).get("status").asInt()).isEqualTo(200);
        String newId = results.get(1).get("newWorkloadId").asText();
        assertThat(newId).matches("clone-partial-" + ID_CHARS);
        assertThat(api.getWorkload(newId).get("phase").asText()).isEqualTo("Pending");
    }

    @Test
    void logsAndContainersAre404PodNotFoundWhileNoPodsRun() {
        String id = api.create(CreateBody.pytorchJob("no pods").build());
        ApiClient.Response logs = api.get(W + "/" + id + "/pods/" + id + "-master-0/logs");
        assertThat(logs.status()).isEqualTo(404);
        assertThat(logs.errorCode()).isEqualTo("PodNotFound");
        ApiClient.Response containers = api.get(W + "/" + id + "/pods/" + id + "-master-0/containers");
        assertThat(containers.status()).isEqualTo(404);
        assertThat(containers.errorCode()).isEqualTo("PodNotFound");
        // the workload is checked first
        ApiClient.Response unknown = api.get(W + "/nope-nope/pods/x-0/logs");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.errorCode()).isEqualTo("WorkloadNotFound");
        assertError(api.get(W + "/" + id + "/pods/" + id + "-master-0/logs?tailLines=0"), 400, "tailLines");
        assertError(api.get(W + "/" + id + "/pods/" + id + "-master-0/logs?tailLines=100001"), 400, "tailLines");
        assertError(api.get(W + "/" + id + "/pods/" + id + "-master-0/logs?sinceSeconds=0"), 400, "sinceSeconds");
        assertError(api.get(W + "/" + id + "/pods/POD/logs"), 400, "podId");
        assertError(api.get(W + "/" + id + "/pods/p-0/logs?container=..%2Fetc"), 400, "container");
    }

    @Test
    void healthzSaysOk() {
        ApiClient.Response r = api.get("/healthz");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("status").asText()).isEqualTo("ok");
    }

    @Test
    void metricsCountHttpRequests() {
        api.get("/healthz");
        api.get(W);
        ApiClient.Response r = api.get("/metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.raw().headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(r.body()).contains("kiln_http_requests");
        assertThat(r.body()).containsPattern("kiln_http_requests_seconds_count\\{[^}]*route=\"/healthz\"");
    }

    @Test
    void workspacesListsDefaultAndConfiguredOnes() {
        ApiClient.Response r = api.get("/api/v1/workspaces");
        assertThat(r.status()).isEqualTo(200);
        JsonNode items = r.json().get("items");
        List<String> ids = new ArrayList<>();
        items.forEach(i -> ids.add(i.get("workspaceId").asText()));
        assertThat(ids).containsExactly("default", "team-a");
        JsonNode teamA = items.get(1);
        assertThat(teamA.get("nodes").toString()).isEqualTo("[\"node-a\",\"node-b\"]");
        assertThat(teamA.get("quota").get("gpu").asText()).isEqualTo("16");
        assertThat(items.get(0).get("nodes")).hasSize(3);
    }

    @Test
    void nodesListsCapacityLabelsAndTaints() {
        ApiClient.Response r = api.get("/api/v1/nodes");
        assertThat(r.status()).isEqualTo(200);
        JsonNode items = r.json().get("items");
        assertThat(items).hasSize(3);
        JsonNode a = items.get(0);
        assertThat(a.get("name").asText()).isEqualTo("node-a");
        assertThat(a.get("cpu").asText()).isEqualTo("16");
        assertThat(a.get("gpu").asText()).isEqualTo("8");
        assertThat(a.get("memory").asText()).isEqualTo("64Gi");
        assertThat(a.get("ephemeralStorage").asText()).isEqualTo("500Gi");
        assertThat(a.get("labels").get("zone").asText()).isEqualTo("a");
        assertThat(items.get(2).get("taints").get(0).asText()).isEqualTo("maintenance=true:NoSchedule");
    }

    @Test
    void unknownRouteIsAJson404() {
        ApiClient.Response r = api.get("/api/v1/nothing-here");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.errorCode()).isEqualTo("NotFound");
    }

    @Test
    void bodyOver2MiBIs413() {
        String description = "x".repeat(2 * 1024 * 1024 + 10);
        ApiClient.Response r = api.post(W, CreateBody.pytorchJob("huge").description(description).build());
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.errorCode()).isEqualTo("PayloadTooLarge");
        // the server is fine afterwards
        assertThat(api.get("/healthz").status()).isEqualTo(200);
    }

    @Test
    void nonJsonContentTypeIs415() {
        ApiClient.Response r = api.postRaw(W, CreateBody.pytorchJob("form").json(), "text/plain");
        assertThat(r.status()).isEqualTo(415);
        assertThat(r.errorCode()).isEqualTo("UnsupportedMediaType");
        ApiClient.Response form = api.postRaw(W + "/stop", "workloadIds=a", "application/x-www-form-urlencoded");
        assertThat(form.status()).isEqualTo(415);
        ApiClient.Response ok = api.postRaw(W, CreateBody.pytorchJob("charset").json(), "application/json; charset=utf-8");
        assertThat(ok.status()).isEqualTo(200);
    }

    static JsonNode findInList(String id) {
        JsonNode items = api.get(W + "?limit=10&workloadId=" + id).json().get("items");
        for (JsonNode item : items) {
            if (item.get("workloadId").asText().equals(id)) {
                return item;
            }
        }
        throw new AssertionError(id + " not in list " + items);
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static void assertError(ApiClient.Response r, int status, String field) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.json().get("errorMessage").asText()).as(r.toString()).isNotEmpty();
        if (status == 400) {
            assertThat(r.errorCode()).isEqualTo("BadRequest");
            assertThat(r.errorFields()).as(r.toString()).contains(field);
        }
    }
}
