package dev.kiln.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.TestKiln;
import dev.kiln.TestingClock;
import dev.kiln.api.ApiClient;
import dev.kiln.api.CreateBody;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A restart of the server loses nothing that was accepted (SPEC §6, §12). */
class RestartTest {
    static final String W = "/api/v1/workloads";

    @TempDir
    Path dataDir;

    @Test
    void inProcessRestartOnTheSameDataDirFindsEverything() throws Exception {
        TestingClock clock = new TestingClock();
        List<String> ids = new ArrayList<>();
        JsonNode before;
        String stoppedId;
        String deletedId;
        try (Kiln kiln = Kiln.start(TestKiln.config(dataDir), clock)) {
            ApiClient api = new ApiClient(kiln.url());
            for (int i = 0; i < 5; i++) {
                ids.add(api.create(CreateBody.pytorchJob("persist " + i).description("d" + i).priority(i % 3)
                        .set("env", Map.of("I", Integer.toString(i))).build()));
                clock.advance(Duration.ofSeconds(1));
            }
            ids.add(api.create(CreateBody.deployment("persist svc").workspace("team-a")
                    .set("service", Map.of("port", 80, "serviceType", "NodePort", "nodePort", 30090)).build()));
            stoppedId = ids.get(1);
            assertThat(api.post(W + "/" + stoppedId + "/stop", null).status()).isEqualTo(200);
            assertThat(api.patch(W + "/" + ids.get(2), Map.of("description", "patched")).status()).isEqualTo(200);
            deletedId = api.create(CreateBody.pytorchJob("persist gone").build());
            assertThat(api.delete(W + "/" + deletedId).status()).isEqualTo(200);
            // let the loop settle first (jobs done, the Deployment's exited pod waiting out its back-off on the
            // stopped clock), so the snapshot is of a state the loop has finished with
            before = awaitSettled(api);
        }

        try (Kiln again = Kiln.start(TestKiln.config(dataDir), clock)) {
            ApiClient api = new ApiClient(again.url());
            JsonNode after = api.get(W + "?limit=1000").json();
            assertThat(after).isEqualTo(before);
            assertThat(after.get("totalCount").asLong()).isEqualTo(6);
            for (String id : ids) {
                assertThat(api.get(W + "/" + id).status()).isEqualTo(200);
            }
            JsonNode stopped = api.getWorkload(stoppedId);
            assertThat(stopped.get("phase").asText()).isEqualTo("Stopped");
            assertThat(stopped.get("conditions")).hasSize(2);
            assertThat(api.getWorkload(ids.get(2)).get("description").asText()).isEqualTo("patched");
            assertThat(api.getWorkload(ids.get(4)).get("env").get("I").asText()).isEqualTo("4");
            assertThat(api.get(W + "/" + deletedId).status()).isEqualTo(404);
            // the node port is still taken after the restart
            ApiClient.Response clash = api.post(W, CreateBody.deployment("clash").set("service",
                    Map.of("port", 80, "serviceType", "NodePort", "nodePort", 30090)).build());
            assertThat(clash.status()).isEqualTo(400);
            assertThat(clash.errorFields()).contains("service.nodePort");
        }
    }

    @Test
    void realProcessRestartKeepsWorkloads() throws Exception {
        String id;
        Process first = startProcess();
        try {
            ApiClient api = new ApiClient(urlOf(first));
            // held out of the queue by a start time a day ahead, so it is still Pending when read back
            String tomorrow = java.time.Instant.now().plus(java.time.Duration.ofDays(1))
                    .truncatedTo(java.time.temporal.ChronoUnit.MINUTES).toString();
            id = api.create(CreateBody.pytorchJob("process persist").description("from a real process")
                    .set("cronJobs", List.of(Map.of("schedule", tomorrow))).build());
            assertThat(api.getWorkload(id).get("phase").asText()).isEqualTo("Pending");
        } finally {
            stopProcess(first);
        }
        Process second = startProcess();
        try {
            ApiClient api = new ApiClient(urlOf(second));
            JsonNode w = api.getWorkload(id);
            assertThat(w.get("description").asText()).isEqualTo("from a real process");
        } finally {
            stopProcess(second);
        }
    }

    private static JsonNode awaitSettled(ApiClient api) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            JsonNode list = api.get(W + "?limit=1000").json();
            boolean settled = true;
            for (JsonNode item : list.get("items")) {
                String phase = item.get("phase").asText();
                String kind = item.get("groupVersionKind").get("kind").asText();
                settled &= kind.equals("Deployment") ? phase.equals("NotReady") : !phase.equals("Pending") && !phase.equals("Running");
            }
            if (settled || System.nanoTime() > deadline) {
                return list;
            }
            Thread.sleep(50);
        }
    }

    private int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    private Process startProcess() throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-XX:+UseSerialGC", "-cp", classpath, "dev.kiln.server.Main",
                "server", "--port", Integer.toString(freePort()), "--data-dir", dataDir.toString());
        pb.redirectErrorStream(true);
        return pb.start();
    }

    /** Reads the process output until its one "ready at <url>" line. */
    private String urlOf(Process p) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> url = CompletableFuture.supplyAsync(() -> {
            StringBuilder seen = new StringBuilder();
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    seen.append(line).append('\n');
                    int at = line.indexOf("ready at ");
                    if (at >= 0) {
                        String rest = line.substring(at + "ready at ".length());
                        return rest.split(" ")[0];
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            throw new IllegalStateException("kiln exited before it was ready:\n" + seen);
        });
        String result = url.get(60, TimeUnit.SECONDS);
        // keep draining so the process never blocks on a full pipe
        CompletableFuture.runAsync(() -> out.lines().forEach(l -> {}));
        return result;
    }

    private static void stopProcess(Process p) throws InterruptedException {
        p.destroy(); // SIGTERM: the shutdown hook closes the database
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
