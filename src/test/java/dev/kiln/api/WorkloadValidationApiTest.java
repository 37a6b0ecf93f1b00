package dev.kiln.api;

import static dev.kiln.api.CreateBody.base64;
import static dev.kiln.api.CreateBody.deployment;
import static dev.kiln.api.CreateBody.pytorchJob;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.TestKiln;
import dev.kiln.TestingClock;
import dev.kiln.server.Kiln;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every create rule of SPEC §5 and every bad body, path and query parameter: a 400 naming the field (or the
 * 404/413/415 the spec asks for), never a 5xx.
 */
class WorkloadValidationApiTest {
    static final String W = "/api/v1/workloads";
    /** A pending workload that exists for the whole class; path and query cases use it. */
    static final String EXISTING = "existing-abcde";

    @TempDir
    static Path dataDir;

    static TestingClock clock = new TestingClock(); // 2026-06-01T12:00:00Z
    static Kiln kiln;
    static ApiClient api;
    static String existingId;

    @BeforeAll
    static void start() {
        kiln = Kiln.start(TestKiln.config(dataDir), clock);
        api = new ApiClient(kiln.url());
        existingId = api.create(pytorchJob("existing").build());
        api.create(deployment("node port holder").set("service", Map.of("serviceType", "NodePort", "port", 80, "nodePort", 30080)).build());
    }

    @AfterAll
    static void stop() {
        if (kiln != null) {
            kiln.close();
        }
    }

    record Case(String name, String method, String path, String body, int status, String field) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case create(String name, CreateBody body, String field) {
        return new Case(name, "POST", W, body.json(), 400, field);
    }

    static Case createRaw(String name, String json, String field) {
        return new Case(name, "POST", W, json, 400, field);
    }

    static Case get(String name, String path, String field) {
        return new Case(name, "GET", path, null, 400, field);
    }

    static Stream<Case> badCreates() {
        byte[] notUtf8 = {(byte) 0xff, (byte) 0xfe, (byte) 0x80};
        Map<String, Object> probe = Map.of("path", "/healthz", "port", 8080);
        return Stream.of(
                create("displayName missing", pytorchJob("x").without("displayName"), "displayName"),
                create("displayName empty", pytorchJob(""), "displayName"),
                create("displayName normalises to nothing", pytorchJob("!!! ___ !!!"), "displayName"),
                create("displayName over 256 chars", pytorchJob("a".repeat(257)), "displayName"),
                create("workspaceId missing", pytorchJob("x").without("workspaceId"), "workspaceId"),
                create("kind unknown", pytorchJob("x").set("groupVersionKind.kind", "TFJob"), "groupVersionKind.kind"),
                create("kind lower case", pytorchJob("x").set("groupVersionKind.kind", "pytorchjob"), "groupVersionKind.kind"),
                create("version v2", pytorchJob("x").set("groupVersionKind.version", "v2"), "groupVersionKind.version"),
                create("replica 0", pytorchJob("x").replica(0), "resource.replica"),
                create("replica negative", pytorchJob("x").replica(-2), "resource.replica"),
                create("cpu zero", pytorchJob("x").cpu("0"), "resource.cpu"),
                create("cpu negative", pytorchJob("x").cpu("-1"), "resource.cpu"),
                create("cpu not a number", pytorchJob("x").cpu("lots"), "resource.cpu"),
                create("cpu sub-millicore", pytorchJob("x").cpu("0.0001"), "resource.cpu"),
                create("gpu fraction", pytorchJob("x").gpu("1.5"), "resource.gpu"),
                create("gpu negative", pytorchJob("x").gpu("-1"), "resource.gpu"),
                create("memory not a quantity", pytorchJob("x").memory("64 gigs"), "resource.memory"),
                create("memory zero", pytorchJob("x").memory("0"), "resource.memory"),
                create("ephemeralStorage bad unit", pytorchJob("x").set("resource.ephemeralStorage", "5XB"), "resource.ephemeralStorage"),
                create("sharedMemory more than memory", pytorchJob("x").memory("1Gi").set("resource.sharedMemory", "2Gi"), "resource.sharedMemory"),
                create("sharedMemory not a quantity", pytorchJob("x").set("resource.sharedMemory", "half"), "resource.sharedMemory"),
                create("entryPoint not base64", pytorchJob("x").set("entryPoint", "echo hello!"), "entryPoint"),
                create("entryPoint not UTF-8", pytorchJob("x").set("entryPoint", Base64.getEncoder().encodeToString(notUtf8)), "entryPoint"),
                create("entryPoint missing", pytorchJob("x").without("entryPoint"), "entryPoint"),
                create("entryPoint missing for a Deployment", deployment("x").without("entryPoint"), "entryPoint"),
                create("priority 3", pytorchJob("x").priority(3), "priority"),
                create("priority -1", pytorchJob("x").priority(-1), "priority"),
                create("timeout negative", pytorchJob("x").timeout(-1), "timeout"),
                create("maxRetry 51", pytorchJob("x").set("maxRetry", 51), "maxRetry"),
                create("maxRetry negative", pytorchJob("x").set("maxRetry", -1), "maxRetry"),
                create("ttlSecondsAfterFinished negative", pytorchJob("x").set("ttlSecondsAfterFinished", -5), "ttlSecondsAfterFinished"),
                create("env key starts with a digit", pytorchJob("x").set("env", Map.of("1ABC", "v")), "env.1ABC"),
                create("env key with a dash", pytorchJob("x").set("env", Map.of("MY-VAR", "v")), "env.MY-VAR"),
                create("customerLabels bad key", pytorchJob("x").set("customerLabels", Map.of("bad key!", "v")), "customerLabels.bad key!"),
                create("customerLabels bad value", pytorchJob("x").set("customerLabels", Map.of("zone", "not ok!")), "customerLabels.zone"),
                create("customerLabels value too long", pytorchJob("x").set("customerLabels", Map.of("zone", "a".repeat(64))), "customerLabels.zone"),
                create("specifiedNodes unknown", pytorchJob("x").set("specifiedNodes", List.of("node-a", "node-z")), "specifiedNodes[1]"),
                create("specifiedNodes twice", pytorchJob("x").set("specifiedNodes", List.of("node-a", "node-a")), "specifiedNodes[1]"),
                create("liveness on a PyTorchJob", pytorchJob("x").set("liveness", probe), "liveness"),
                create("readiness on Authoring", CreateBody.authoring("x").set("readiness", probe), "readiness"),
                create("probe path without slash", deployment("x").set("liveness", Map.of("path", "healthz", "port", 8080)), "liveness.path"),
                create("probe port 0", deployment("x").set("liveness", Map.of("path", "/", "port", 0)), "liveness.port"),
                create("probe port 70000", deployment("x").set("readiness", Map.of("path", "/", "port", 70000)), "readiness.port"),
                create("probe periodSeconds 0", deployment("x").set("readiness", Map.of("path", "/", "port", 80, "periodSeconds", 0)), "readiness.periodSeconds"),
                create("service on a PyTorchJob", pytorchJob("x").set("service", Map.of("port", 80)), "service"),
                create("service protocol SCTP", deployment("x").set("service", Map.of("port", 80, "protocol", "SCTP")), "service.protocol"),
                create("service type LoadBalancer", deployment("x").set("service", Map.of("port", 80, "serviceType", "LoadBalancer")), "service.serviceType"),
                create("service port 0", deployment("x").set("service", Map.of("port", 0)), "service.port"),
                create("service port missing", deployment("x").set("service", Map.of("protocol", "TCP")), "service.port"),
                create("service targetPort 65536", deployment("x").set("service", Map.of("port", 80, "targetPort", 65536)), "service.targetPort"),
                create("NodePort without nodePort", deployment("x").set("service", Map.of("port", 80, "serviceType", "NodePort")), "service.nodePort"),
                create("nodePort already used", deployment("x").set("service", Map.of("port", 80, "serviceType", "NodePort", "nodePort", 30080)), "service.nodePort"),
                create("nodePort on a ClusterIP", deployment("x").set("service", Map.of("port", 80, "nodePort", 30081)), "service.nodePort"),
                create("dependency unknown", pytorchJob("x").set("dependencies", List.of("ghost-bbbbb")), "dependencies[0]"),
                create("dependency not an id", pytorchJob("x").set("dependencies", List.of("Not An Id")), "dependencies[0]"),
                create("cron bad expression", pytorchJob("x").set("cronJobs", List.of(Map.of("schedule", "61 * * * *"))), "cronJobs[0].schedule"),
                create("cron four fields", pytorchJob("x").set("cronJobs", List.of(Map.of("schedule", "* * * *"))), "cronJobs[0].schedule"),
                create("cron six fields (seconds)", pytorchJob("x").set("cronJobs", List.of(Map.of("schedule", "0 0 3 * * *"))), "cronJobs[0].schedule"),
                create("cron in the past", pytorchJob("x").set("cronJobs", List.of(Map.of("schedule", "2026-05-31T12:00:00Z"))), "cronJobs[0].schedule"),
                create("cron now is not the future", pytorchJob("x").set("cronJobs", List.of(Map.of("schedule", "2026-06-01T12:00:00Z"))), "cronJobs[0].schedule"),
                create("cron with seconds", pytorchJob("x").set("cronJobs", List.of(Map.of("schedule", "2026-06-02T03:00:30Z"))), "cronJobs[0].schedule"),
                create("cron more than a year ahead", pytorchJob("x").set("cronJobs", List.of(Map.of("schedule", "2027-07-01T00:00:00Z"))), "cronJobs[0].schedule"),
                create("cron schedule missing", pytorchJob("x").set("cronJobs", List.of(Map.of("action", "start"))), "cronJobs[0].schedule"),
                create("cron action restart", pytorchJob("x").set("cronJobs", List.of(Map.of("schedule", "0 3 * * *", "action", "restart"))), "cronJobs[0].action"),
                create("gpu more than any node", pytorchJob("x").gpu("9"), "resource.gpu"),
                create("cpu more than any node", pytorchJob("x").cpu("17"), "resource.cpu"),
                create("memory more than any node", pytorchJob("x").memory("65Gi"), "resource.memory"),
                create("ephemeralStorage more than any node", pytorchJob("x").set("resource.ephemeralStorage", "501Gi"), "resource.ephemeralStorage"),
                create("more PyTorchJob pods than untainted nodes", pytorchJob("x").replica(3), "resource.replica"),
                create("more PyTorchJob pods than team-a nodes", pytorchJob("x").workspace("team-a").replica(3).set("isTolerateAll", true), "resource.replica"),
                create("labels no node has", pytorchJob("x").set("customerLabels", Map.of("zone", "mars")), "resource"),
                create("specifiedNodes outside the workspace", pytorchJob("x").workspace("team-a").set("specifiedNodes", List.of("node-c")), "resource"),
                create("only a tainted node specified", pytorchJob("x").set("specifiedNodes", List.of("node-c")), "resource"),
                // wrong JSON: malformed, wrong types, floats, overflow
                createRaw("malformed JSON", "{\"displayName\": ", "body"),
                createRaw("not an object", "[1, 2]", "body"),
                createRaw("JSON null", "null", "body"),
                createRaw("empty body", "", "body"),
                createRaw("trailing garbage", pytorchJob("x").json() + " {}", "body"),
                create("replica as a string", pytorchJob("x").set("resource.replica", "3"), "resource.replica"),
                create("replica as a float", pytorchJob("x").set("resource.replica", 1.5), "resource.replica"),
                create("replica as a whole float", pytorchJob("x").set("resource.replica", 2.0), "resource.replica"),
                create("priority overflows int", pytorchJob("x").set("priority", new BigInteger("99999999999")), "priority"),
                create("timeout overflows long", pytorchJob("x").set("timeout", new BigInteger("123456789012345678901234567890")), "timeout"),
                create("timeout huge float", pytorchJob("x").set("timeout", new BigDecimal("1e400")), "timeout"),
                create("timeout beyond 100 years", pytorchJob("x").timeout(Long.MAX_VALUE), "timeout"),
                create("isSupervised as a string", pytorchJob("x").set("isSupervised", "yes"), "isSupervised"),
                create("isTolerateAll as a number", pytorchJob("x").set("isTolerateAll", 1), "isTolerateAll"),
                create("resource as an array", pytorchJob("x").set("resource", List.of(1)), "resource"),
                create("env as an array", pytorchJob("x").set("env", List.of("A=1")), "env"),
                create("displayName as an object", pytorchJob("x").set("displayName", Map.of("a", 1)), "displayName"),
                create("specifiedNodes as a string", pytorchJob("x").set("specifiedNodes", "node-a"), "specifiedNodes"),
                create("cronJobs as an object", pytorchJob("x").set("cronJobs", Map.of("schedule", "0 3 * * *")), "cronJobs"),
                create("cpu as a boolean", pytorchJob("x").set("resource.cpu", true), "resource.cpu"),
                create("displayName as a number", pytorchJob("x").set("displayName", 123), "displayName"),
                create("env value as a number", pytorchJob("x").set("env", Map.of("A", 1)), "env.A"),
                create("description as an array", pytorchJob("x").set("description", List.of("a")), "description"),
                create("groupVersionKind as a string", pytorchJob("x").set("groupVersionKind", "PyTorchJob"), "groupVersionKind"));
    }

    static Stream<Case> badPathsAndQueries() {
        String id = EXISTING;
        return Stream.of(
                get("id in upper case", W + "/UPPER", "workloadId"),
                get("id of 64 chars", W + "/" + "a".repeat(64), "workloadId"),
                get("id with underscore", W + "/a_b", "workloadId"),
                get("id with a dot", W + "/a.b", "workloadId"),
                new Case("patch with a bad id", "PATCH", W + "/Bad", "{\"priority\":1}", 400, "workloadId"),
                new Case("delete with a bad id", "DELETE", W + "/UPPER", null, 400, "workloadId"),
                new Case("stop with a bad id", "POST", W + "/UPPER/stop", null, 400, "workloadId"),
                get("containers with a bad id", W + "/UPPER/pods/p-0/containers", "workloadId"),
                get("logs tailLines not a number", W + "/" + id + "/pods/p-0/logs?tailLines=ten", "tailLines"),
                get("logs tailLines negative", W + "/" + id + "/pods/p-0/logs?tailLines=-1", "tailLines"),
                get("logs tailLines over 100000", W + "/" + id + "/pods/p-0/logs?tailLines=100001", "tailLines"),
                get("logs tailLines overflow", W + "/" + id + "/pods/p-0/logs?tailLines=99999999999", "tailLines"),
                get("logs sinceSeconds 0", W + "/" + id + "/pods/p-0/logs?sinceSeconds=0", "sinceSeconds"),
                get("logs pod id upper case", W + "/" + id + "/pods/P-0/logs", "podId"),
                get("list phase unknown", W + "?phase=Bogus", "phase"),
                get("list phase one unknown of two", W + "?phase=Pending,Nope", "phase"),
                get("list phase lower case", W + "?phase=pending", "phase"),
                get("list kind unknown", W + "?kind=TFJob", "kind"),
                get("list sortBy unknown", W + "?sortBy=color", "sortBy"),
                get("list sortBy SQL", W + "?sortBy=id%3BDROP%20TABLE%20workloads", "sortBy"),
                get("list order sideways", W + "?order=sideways", "order"),
                get("list limit 0", W + "?limit=0", "limit"),
                get("list limit 1001", W + "?limit=1001", "limit"),
                get("list limit not a number", W + "?limit=ten", "limit"),
                get("list limit float", W + "?limit=1.5", "limit"),
                get("list offset negative", W + "?offset=-1", "offset"),
                get("list offset not a number", W + "?offset=x", "offset"),
                get("list offset overflow", W + "?offset=99999999999", "offset"),
                get("list since not a time", W + "?since=yesterday", "since"),
                get("list since a date only", W + "?since=2026-06-01", "since"),
                get("list until month 13", W + "?until=2026-13-01T00:00:00Z", "until"),
                get("list until Feb 30", W + "?until=2026-02-30T00:00:00Z", "until"),
                new Case("patch priority as a string", "PATCH", W + "/" + id, "{\"priority\":\"1\"}", 400, "priority"),
                new Case("patch replica as a float", "PATCH", W + "/" + id, "{\"replica\":1.5}", 400, "replica"),
                new Case("patch malformed", "PATCH", W + "/" + id, "{", 400, "body"),
                new Case("patch env values not strings", "PATCH", W + "/" + id, "{\"env\":{\"A\":[1]}}", 400, "env.A"),
                new Case("batch ids not a list", "POST", W + "/delete", "{\"workloadIds\":{}}", 400, "workloadIds"),
                new Case("batch malformed", "POST", W + "/stop", "{\"workloadIds\":[", 400, "workloadIds[0]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCreates")
    void badCreateIsRejectedNamingTheField(Case c) {
        long before = countAll();
        check(c);
        assertThat(countAll()).as("nothing is stored").isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badPathsAndQueries")
    void badPathOrQueryIsRejectedNamingTheField(Case c) {
        Case resolved = new Case(c.name(), c.method(), c.path().replace(EXISTING, existingId),
                c.body() == null ? null : c.body(), c.status(), c.field());
        check(resolved);
    }

    @Test
    void thereAreAtLeastThirtyDistinctBadInputs() {
        assertThat(badCreates().count() + badPathsAndQueries().count()).isGreaterThanOrEqualTo(30);
    }

    @Test
    void oneResponseNamesEveryBadField() {
        ApiClient.Response r = api.post(W, pytorchJob("x").priority(7).gpu("x").set("maxRetry", 99)
                .set("env", Map.of("1", "a")).build());
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorFields()).contains("priority", "resource.gpu", "maxRetry", "env.1");
        r.json().get("details").forEach(d -> assertThat(d.get("message").asText()).isNotEmpty());
    }

    @Test
    void messagesSayTheValueAndTheAllowedRange() {
        ApiClient.Response r = api.post(W, pytorchJob("x").priority(5).build());
        assertThat(r.json().get("details").get(0).get("message").asText()).contains("5").contains("0").contains("2");
        ApiClient.Response fit = api.post(W, pytorchJob("x").gpu("9").build());
        assertThat(fit.json().get("details").get(0).get("message").asText()).contains("9").contains("8");
    }

    @Test
    void unknownWorkspaceIs404WorkspaceNotFound() {
        ApiClient.Response r = api.post(W, pytorchJob("x").workspace("nowhere").build());
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.errorCode()).isEqualTo("WorkspaceNotFound");
        ApiClient.Response list = api.get(W + "?workspaceId=nowhere");
        assertThat(list.status()).isEqualTo(404);
        assertThat(list.errorCode()).isEqualTo("WorkspaceNotFound");
    }

    @Test
    void unknownFieldsAreIgnored() {
        ApiClient.Response r = api.post(W, pytorchJob("extra").set("colour", "blue").set("resource.flavour", "x").build());
        assertThat(r.status()).isEqualTo(200);
    }

    @Test
    void boundaryValuesAreAccepted() {
        assertThat(api.post(W, pytorchJob("edges").priority(2).set("maxRetry", 50).set("ttlSecondsAfterFinished", 0)
                .timeout(0).cpu("500m").gpu("8").memory("64Gi").replica(2).build()).status()).isEqualTo(200);
        assertThat(api.post(W, pytorchJob("tolerant").replica(3).set("isTolerateAll", true).build()).status()).isEqualTo(200);
        assertThat(api.post(W, pytorchJob("cron edge").set("cronJobs", List.of(
                Map.of("schedule", "2026-06-01T12:01:00Z"), Map.of("schedule", "2027-06-01T12:00:00+00:00"))).build()).status())
                .isEqualTo(200);
        assertThat(api.post(W, deployment("many pods share nodes").replica(5).gpu("8").build()).status()).isEqualTo(200);
        assertThat(api.post(W, pytorchJob("labels ok").set("customerLabels", Map.of("example.com/zone", "a")).build()).status())
                .isEqualTo(400); // no node has that label: refused as never fitting
    }

    static long countAll() {
        return api.get(W + "?limit=1").json().get("totalCount").asLong();
    }

    static void check(Case c) {
        ApiClient.Response r = api.send(c.method(), c.path(), c.body(), c.body() == null ? null : "application/json");
        assertThat(r.status()).as(c.name() + ": " + r).isLessThan(500).isEqualTo(c.status());
        assertThat(r.errorCode()).as(c.name() + ": " + r).isEqualTo("BadRequest");
        assertThat(r.json().get("errorMessage").asText()).as(c.name()).isNotBlank();
        assertThat(r.errorFields()).as(c.name() + ": " + r).contains(c.field());
    }
}
