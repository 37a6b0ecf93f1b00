package dev.kiln.e2e;

import static dev.kiln.e2e.Api.job;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.runtime.local.PodReaper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §6/§10 restart safety with a real server process: SIGKILL the server while three pods run, let two of them
 * end while it is down, start a new server on the same data directory, and see every exit code and log recorded
 * and no process left behind.
 */
class ServerRestartE2ETest {
    private static final Pattern READY = Pattern.compile("ready at (http://\\S+)");

    @TempDir
    Path dir;

    private final List<Process> servers = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : servers) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        PodReaper.killAll(dir.resolve("data"));
    }

    private record Server(Process process, Api api) {}

    private Server startServer(Path config, String name) throws Exception {
        Path out = dir.resolve(name + ".out");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                "dev.kiln.server.Main", "server", "--config", config.toString(), "--port", "0",
                "--data-dir", dir.resolve("data").toString())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        servers.add(process);
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            String text = Files.exists(out) ? Files.readString(out) : "";
            Matcher m = READY.matcher(text);
            if (m.find()) {
                return new Server(process, new Api(m.group(1)));
            }
            if (!process.isAlive()) {
                throw new AssertionError("server exited with " + process.exitValue() + ":\n" + text);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("server not ready within 60 s:\n" + Files.readString(out));
    }

    @Test
    void podsSurviveAKillDashNineOfTheServerAndTheNextServerRecordsThem() throws Exception {
        Path config = dir.resolve("kiln.yaml");
        Files.writeString(config, """
                nodes:
                  - { name: r1, cpu: "4", memory: 8Gi, ephemeralStorage: 10Gi }
                  - { name: r2, cpu: "4", memory: 8Gi, ephemeralStorage: 10Gi }
                  - { name: r3, cpu: "4", memory: 8Gi, ephemeralStorage: 10Gi }
                lifecycle: { stopGracePeriod: 1s }
                """);
        Path scratch = Files.createDirectories(dir.resolve("scratch"));
        Server first = startServer(config, "first");

        String script = """
                echo $$ >> "$SCRATCH/pids"
                echo "rank $RANK waiting"
                while [ ! -f "$SCRATCH/go-$RANK" ]; do sleep 0.1; done
                echo "rank $RANK done"
                """;
        Map<String, Object> spec = job("survivor", 3, script);
        spec.put("env", Map.of("SCRATCH", scratch.toString()));
        String id = first.api().submit(spec);
        first.api().await(id, Api.WAIT, "running with 3 logging pods", w -> w.get("phase").asText().equals("Running")
                && countLines(scratch.resolve("pids")) == 3);
        List<Long> podPids = PyTorchJobE2ETest.awaitLines(scratch.resolve("pids"), 3);

        first.process().destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertThat(first.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(first.process().exitValue()).isEqualTo(137);
        for (long pid : podPids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("pod pid " + pid).contains(true);
        }

        // two pods end while no server runs
        Files.writeString(scratch.resolve("go-1"), "");
        Files.writeString(scratch.resolve("go-2"), "");
        awaitRunningPods(dir.resolve("data"), 1);

        Server second = startServer(config, "second");
        Api api = second.api();
        JsonNode w = api.await(id, Api.WAIT, "with both workers recorded", x -> countPods(x, "Succeeded") == 2);
        assertThat(w.get("phase").asText()).isEqualTo("Running");
        for (JsonNode pod : w.get("pods")) {
            if (pod.get("podId").asText().contains("-worker-")) {
                assertThat(pod.get("containers").get(0).get("exitCode").asInt()).isZero();
            }
        }
        // the adopted master ends under the new server
        Files.writeString(scratch.resolve("go-0"), "");
        w = api.awaitTerminal(id);
        assertThat(w.get("phase").asText()).as(w.toPrettyString()).isEqualTo("Succeeded");
        assertThat(w.get("dispatchCount").asInt()).isEqualTo(1);
        for (JsonNode pod : w.get("pods")) {
            assertThat(pod.get("phase").asText()).isEqualTo("Succeeded");
            assertThat(pod.get("containers").get(0).get("exitCode").asInt()).isZero();
            String rank = pod.get("rank").asText();
            assertThat(api.logs(id, pod.get("podId").asText())).containsExactly("rank " + rank + " waiting", "rank " + rank + " done");
        }
        PyTorchJobE2ETest.awaitGone(podPids);
        assertThat(PodReaper.runningGroups(dir.resolve("data"))).isEmpty();

        second.process().destroy(); // SIGTERM: clean shutdown
        assertThat(second.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
    }

    private static int countPods(JsonNode w, String phase) {
        int n = 0;
        for (JsonNode p : w.get("pods")) {
            if (p.get("phase").asText().equals(phase)) {
                n++;
            }
        }
        return n;
    }

    private static long countLines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).stream().filter(s -> !s.isBlank()).count() : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static void awaitRunningPods(Path dataDir, int count) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (PodReaper.runningGroups(dataDir).size() != count) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("running pods: " + PodReaper.runningGroups(dataDir));
            }
            Api.sleep(100);
        }
    }
}
