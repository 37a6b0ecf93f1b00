package dev.kiln.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.TestKiln;
import dev.kiln.server.Kiln;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Services, stateful apps and restarts on real processes through the HTTP API (SPEC §6, §7.5, §9): a Deployment
 * behind its service, restarted when its process dies and rolled out by a patch without a failed request; a
 * StatefulSet whose volumes outlive pod restarts and a Kiln restart.
 */
class ServicesApiTest {
    static final String W = "/api/v1/workloads";
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void deploymentBehindItsServiceRestartsAndRollsOutWithoutAFailedRequest() throws Exception {
        int servicePort = freePort();
        try (Kiln kiln = Kiln.start(TestKiln.runningConfig(dataDir), Clock.systemUTC())) {
            ApiClient api = new ApiClient(kiln.url());
            String script = "mkdir -p www && echo \"$POD_NAME gen-$GEN\" > www/who && cd www"
                    + " && exec python3 -m http.server \"$PORT\" --bind 127.0.0.1";
            String id = api.create(CreateBody.deployment("web svc").replica(2).script(script)
                    .set("env", Map.of("GEN", "1"))
                    .set("readiness", Map.of("path", "/who", "port", 8080, "initialDelaySeconds", 0, "periodSeconds", 1,
                            "failureThreshold", 5))
                    .set("service", Map.of("port", servicePort))
                    .build());
            try {
                JsonNode running = await(api, id, w -> w.get("phase").asText().equals("Running"));
                List<String> podIds = podIds(running);
                assertThat(podIds).hasSize(2);

                // 40 requests through the service: all succeed and both replicas answer
                Set<String> answered = new HashSet<>();
                for (int i = 0; i < 40; i++) {
                    HttpResponse<String> r = get(servicePort, "/who");
                    assertThat(r.statusCode()).isEqualTo(200);
                    answered.add(r.body().strip());
                }
                assertThat(answered).containsExactlyInAnyOrder(podIds.get(0) + " gen-1", podIds.get(1) + " gen-1");
                JsonNode service = api.get(W + "/" + id + "/service").json();
                assertThat(service.get("listening").asBoolean()).isTrue();
                assertThat(service.get("port").asInt()).isEqualTo(servicePort);
                assertThat(service.get("type").asText()).isEqualTo("ClusterIP");
                assertThat(service.get("endpoints")).hasSize(2);

                // a replica's process dies: it is restarted, counted, and the workload is Running again
                String victim = podIds.get(0);
                killPod(id, victim);
                JsonNode restarted = await(api, id, w -> w.get("phase").asText().equals("Running")
                        && pod(w, victim) != null && pod(w, victim).get("containers").get(0).get("restartCount").asInt() == 1);
                JsonNode container = pod(restarted, victim).get("containers").get(0);
                assertThat(container.get("exitCode").asInt()).isEqualTo(137);
                assertThat(restarted.get("conditions").toString()).contains("NotReady");

                // a patch of env rolls out one pod at a time while a client keeps calling the service
                AtomicBoolean go = new AtomicBoolean(true);
                AtomicInteger ok = new AtomicInteger();
                List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
                Thread client = Thread.ofVirtual().start(() -> {
                    while (go.get()) {
                        try {
                            HttpResponse<String> r = get(servicePort, "/who");
                            if (r.statusCode() == 200) {
                                ok.incrementAndGet();
                            } else {
                                failures.add("status " + r.statusCode());
                            }
                        } catch (IOException | InterruptedException e) {
                            failures.add(e.toString());
                        }
                    }
                });
                assertThat(api.patch(W + "/" + id, Map.of("env", Map.of("GEN", "2"))).status()).isEqualTo(200);
                await(api, id, w -> w.get("phase").asText().equals("Updating"));
                JsonNode done = await(api, id, w -> w.get("phase").asText().equals("Running")
                        && podIds(w).size() == 2 && podIds(w).stream().noneMatch(podIds::contains));
                go.set(false);
                client.join(10_000);
                assertThat(failures).isEmpty();
                assertThat(ok.get()).isGreaterThan(10);
                assertThat(done.get("conditions").toString()).contains("RollingUpdate", "RolloutComplete");
                for (int i = 0; i < 6; i++) {
                    assertThat(get(servicePort, "/who").body()).contains("gen-2");
                }
            } finally {
                api.post(W + "/" + id + "/stop", null);
                awaitNoLivePods(api, id);
            }
        }
    }

    @Test
    void statefulSetVolumesOutlivePodRestartsAndAKilnRestart() throws Exception {
        String script = "[ -f \"$KILN_VOLUME/created\" ] || echo \"$POD_NAME\" > \"$KILN_VOLUME/created\";"
                + " echo start >> \"$KILN_VOLUME/starts\"; exec sleep 600";
        String id;
        try (Kiln kiln = Kiln.start(TestKiln.runningConfig(dataDir), Clock.systemUTC())) {
            ApiClient api = new ApiClient(kiln.url());
            id = api.create(CreateBody.statefulSet("db").replica(2).script(script).build());
            JsonNode running = await(api, id, w -> w.get("phase").asText().equals("Running"));
            assertThat(podIds(running)).containsExactly(id + "-0", id + "-1");
            Path volume0 = dataDir.resolve("volumes").resolve(id).resolve("0");
            Path volume1 = dataDir.resolve("volumes").resolve(id).resolve("1");
            assertThat(Files.readString(volume0.resolve("created")).strip()).isEqualTo(id + "-0");
            assertThat(Files.readString(volume1.resolve("created")).strip()).isEqualTo(id + "-1");

            killPod(id, id + "-0");
            await(api, id, w -> w.get("phase").asText().equals("Running")
                    && pod(w, id + "-0").get("containers").get(0).get("restartCount").asInt() == 1);
            assertThat(Files.readAllLines(volume0.resolve("starts"))).hasSize(2);
            assertThat(Files.readString(volume0.resolve("created")).strip()).isEqualTo(id + "-0");
        }
        // the pods outlive the server; a new one adopts them and still restarts them into the same volumes
        try (Kiln kiln = Kiln.start(TestKiln.runningConfig(dataDir), Clock.systemUTC())) {
            ApiClient api = new ApiClient(kiln.url());
            try {
                await(api, id, w -> w.get("phase").asText().equals("Running"));
                Path volume1 = dataDir.resolve("volumes").resolve(id).resolve("1");
                assertThat(Files.readAllLines(volume1.resolve("starts"))).hasSize(1);
                killPod(id, id + "-1");
                JsonNode after = await(api, id, w -> w.get("phase").asText().equals("Running")
                        && pod(w, id + "-1").get("containers").get(0).get("restartCount").asInt() == 1);
                assertThat(Files.readAllLines(volume1.resolve("starts"))).hasSize(2);
                assertThat(Files.readString(volume1.resolve("created")).strip()).isEqualTo(id + "-1");
                assertThat(pod(after, id + "-0").get("containers").get(0).get("restartCount").asInt()).isEqualTo(1);
                assertThat(Files.readAllLines(dataDir.resolve("volumes").resolve(id).resolve("0").resolve("starts"))).hasSize(2);
            } finally {
                api.post(W + "/" + id + "/stop", null);
                awaitNoLivePods(api, id);
            }
        }
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static JsonNode await(ApiClient api, String id, Predicate<JsonNode> condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode w = api.getWorkload(id);
        while (!condition.test(w)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting; workload is now " + w.toPrettyString());
            }
            Thread.sleep(100);
            w = api.getWorkload(id);
        }
        return w;
    }

    private static void awaitNoLivePods(ApiClient api, String id) throws InterruptedException {
        await(api, id, w -> {
            for (JsonNode p : w.get("pods")) {
                String phase = p.get("phase").asText();
                if (phase.equals("Running") || phase.equals("Pending")) {
                    return false;
                }
            }
            return true;
        });
    }

    private static List<String> podIds(JsonNode w) {
        List<String> ids = new ArrayList<>();
        w.get("pods").forEach(p -> ids.add(p.get("podId").asText()));
        return ids;
    }

    private static JsonNode pod(JsonNode w, String podId) {
        for (JsonNode p : w.get("pods")) {
            if (p.get("podId").asText().equals(podId)) {
                return p;
            }
        }
        return null;
    }

    /** SIGKILLs the pod's main process (found by its environment), as the OOM killer or a person would. */
    private static void killPod(String workloadId, String podId) throws IOException {
        byte[] name = ("POD_NAME=" + podId + "\0").getBytes(StandardCharsets.UTF_8);
        byte[] workload = ("WORKLOAD_ID=" + workloadId + "\0").getBytes(StandardCharsets.UTF_8);
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    byte[] env = Files.readAllBytes(proc.resolve("environ"));
                    String cmd = Files.readString(proc.resolve("cmdline")).replace('\0', ' ');
                    if (contains(env, name) && contains(env, workload) && !cmd.contains("kiln-pod")) {
                        pids.add(Long.parseLong(proc.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException gone) {
                    // ended meanwhile, or not ours to read
                }
            }
        }
        assertThat(pids).as("processes of pod " + podId).isNotEmpty();
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (i > 0 && haystack[i - 1] != 0) {
                continue; // only at the start of an entry
            }
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
