package dev.kiln.e2e;

import static dev.kiln.e2e.Api.conditionReasons;
import static dev.kiln.e2e.Api.job;
import static dev.kiln.e2e.Api.resource;
import static dev.kiln.e2e.Api.texts;
import static dev.kiln.e2e.KilnHarness.node;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PyTorchJobs on real processes through the HTTP API: rendezvous, retries, timeout, stop, GPU indices. */
class PyTorchJobE2ETest {
    @TempDir
    static Path dataDir;

    @TempDir
    Path scratch;

    private static KilnHarness kiln;
    private static Api api;

    @BeforeAll
    static void start() {
        kiln = KilnHarness.start(dataDir, List.of(
                node("node-a", "8"), node("node-b", "8"), node("node-c", "8"),
                node("gpu-a", "8", "2", Map.of("kind", "gpu"), List.of())));
        api = kiln.api;
    }

    @AfterAll
    static void stop() {
        if (kiln != null) {
            kiln.close();
        }
    }

    static final String RENDEZVOUS = """
            echo "pod $POD_NAME rank $RANK of $WORLD_SIZE on $KILN_NODE"
            python3 - <<'PY'
            import os, socket, sys, time
            rank = int(os.environ["RANK"]); world = int(os.environ["WORLD_SIZE"])
            addr = os.environ["MASTER_ADDR"]; port = int(os.environ["MASTER_PORT"])
            if rank == 0:
                s = socket.socket()
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind((addr, port)); s.listen(world); s.settimeout(30)
                heard = set()
                while len(heard) < world - 1:
                    c, _ = s.accept()
                    r = int(c.recv(64).decode().strip()); c.close()
                    heard.add(r); print("master heard rank", r)
                print("rendezvous complete:", sorted(heard))
                sys.exit(0 if heard == set(range(1, world)) else 1)
            else:
                deadline = time.time() + 30
                while True:
                    try:
                        c = socket.create_connection((addr, port), timeout=2); break
                    except OSError:
                        if time.time() > deadline: raise
                        time.sleep(0.05)
                c.sendall(str(rank).encode()); c.close()
                print("rank", rank, "reached master")
            PY
            """;

    @Test
    void threeReplicaRendezvousSucceedsOnThreeNodes() {
        Map<String, Object> spec = job("rendezvous", 3, RENDEZVOUS);
        String id = api.submit(spec);
        JsonNode w = api.await(id, Duration.ofSeconds(45), "terminal", x -> Api.TERMINAL.contains(x.get("phase").asText()));
        assertThat(w.get("phase").asText()).as(w.toPrettyString()).isEqualTo("Succeeded");
        assertThat(w.get("dispatchCount").asInt()).isEqualTo(1);

        List<String> podIds = new ArrayList<>();
        List<String> podRanks = new ArrayList<>();
        for (JsonNode p : w.get("pods")) {
            podIds.add(p.get("podId").asText());
            podRanks.add(p.get("rank").asText());
            assertThat(p.get("phase").asText()).isEqualTo("Succeeded");
            assertThat(p.get("containers").get(0).get("name").asText()).isEqualTo("pytorch");
            assertThat(p.get("containers").get(0).get("exitCode").asInt()).isZero();
        }
        assertThat(podIds).containsExactly(id + "-master-0", id + "-worker-0", id + "-worker-1");
        assertThat(podRanks).containsExactly("0", "1", "2");
        assertThat(w.get("nodes")).hasSize(1);
        List<String> nodes = texts(w.get("nodes").get(0));
        assertThat(nodes).hasSize(3);
        assertThat(new HashSet<>(nodes)).hasSize(3).isSubsetOf("node-a", "node-b", "node-c", "gpu-a");
        assertThat(texts(w.get("ranks").get(0))).containsExactly("0", "1", "2");

        List<String> master = api.logs(id, id + "-master-0");
        assertThat(master.getFirst()).isEqualTo("pod " + id + "-master-0 rank 0 of 3 on " + nodes.get(0));
        assertThat(master).contains("master heard rank 1", "master heard rank 2", "rendezvous complete: [1, 2]");
        for (int i = 0; i < 2; i++) {
            List<String> worker = api.logs(id, id + "-worker-" + i);
            assertThat(worker).containsExactly(
                    "pod " + id + "-worker-" + i + " rank " + (i + 1) + " of 3 on " + nodes.get(i + 1),
                    "rank " + (i + 1) + " reached master");
        }
        JsonNode containers = api.ok("GET", "/workloads/" + id + "/pods/" + id + "-worker-1/containers", null);
        assertThat(containers.get("containers").findValuesAsText("name")).containsExactly("pytorch");
        assertThat(texts(containers.get("shells"))).contains("sh");
        assertThat(api.send("GET", "/workloads/" + id + "/pods/" + id + "-worker-9/logs", null).status()).isEqualTo(404);
    }

    static final String FAIL_UNTIL_THIRD = """
            n=$(( $(cat "$COUNTER" 2>/dev/null || echo 0) + 1 ))
            echo "$n" > "$COUNTER"
            echo "attempt $n (dispatch $DISPATCH_COUNT)"
            [ "$n" -ge 3 ]
            """;

    @Test
    void retriesUntilTheCounterReachesThree() {
        Map<String, Object> spec = job("retry-ok", 1, FAIL_UNTIL_THIRD);
        spec.put("maxRetry", 2);
        spec.put("env", Map.of("COUNTER", scratch.resolve("ok").toString()));
        String id = api.submit(spec);
        JsonNode w = api.awaitTerminal(id);
        assertThat(w.get("phase").asText()).as(w.toPrettyString()).isEqualTo("Succeeded");
        assertThat(w.get("dispatchCount").asInt()).isEqualTo(3);
        assertThat(w.get("nodes")).hasSize(3);
        assertThat(conditionReasons(w)).filteredOn(c -> c.startsWith("Retrying/")).containsExactly("Retrying/ExitCode", "Retrying/ExitCode");
        assertThat(api.logs(id, id + "-master-0")).containsExactly("attempt 3 (dispatch 3)");
        // earlier runs' logs stay readable
        assertThat(api.ok("GET", "/workloads/" + id + "/pods/" + id + "-master-0/logs?dispatch=1", null).get("logs").get(0).asText())
                .isEqualTo("attempt 1 (dispatch 1)");
    }

    @Test
    void failsWhenTheRetriesRunOut() {
        Map<String, Object> spec = job("retry-fail", 1, FAIL_UNTIL_THIRD);
        spec.put("maxRetry", 1);
        spec.put("env", Map.of("COUNTER", scratch.resolve("fail").toString()));
        String id = api.submit(spec);
        JsonNode w = api.awaitTerminal(id);
        assertThat(w.get("phase").asText()).as(w.toPrettyString()).isEqualTo("Failed");
        assertThat(w.get("dispatchCount").asInt()).isEqualTo(2);
        assertThat(w.get("nodes")).hasSize(2);
        JsonNode last = w.get("conditions").get(w.get("conditions").size() - 1);
        assertThat(last.get("type").asText()).isEqualTo("Failed");
        assertThat(last.get("message").asText()).contains(id + "-master-0", "exited with code 1");
    }

    @Test
    void timeoutStopsTheJob() throws Exception {
        Map<String, Object> spec = job("timeout", 1, "echo $$ > \"$PIDFILE\"; exec sleep 60");
        spec.put("timeout", 2);
        spec.put("env", Map.of("PIDFILE", scratch.resolve("timeout.pid").toString()));
        String id = api.submit(spec);
        JsonNode running = api.awaitPhase(id, "Running", "Stopped");
        assertThat(running.get("secondsUntilTimeout").asLong()).isBetween(0L, 2L);
        JsonNode w = api.awaitTerminal(id);
        assertThat(w.get("phase").asText()).as(w.toPrettyString()).isEqualTo("Stopped");
        assertThat(conditionReasons(w)).contains("TimedOut/TimedOut");
        assertThat(w.get("message").asText()).contains("timeout of 2s");
        long pid = Long.parseLong(Files.readString(scratch.resolve("timeout.pid")).trim());
        awaitGone(List.of(pid));
    }

    @Test
    void stopKillsTheWholeProcessGroupIncludingGrandchildren() throws Exception {
        Path pids = scratch.resolve("children.pids");
        // one child dies of SIGTERM, one ignores it and must be SIGKILLed after the (1 s) grace period
        String script = """
                sleep 300 &
                echo $! >> "$PIDS"
                sh -c 'trap "" TERM; echo $$ >> "$PIDS"; exec sleep 300' &
                echo $$ >> "$PIDS"
                echo "children started"
                wait
                """;
        Map<String, Object> spec = job("stop-me", 1, script);
        spec.put("env", Map.of("PIDS", pids.toString()));
        String id = api.submit(spec);
        api.awaitPhase(id, "Running");
        List<Long> started = awaitLines(pids, 3);
        for (long pid : started) {
            assertThat(ProcessHandle.of(pid)).as("pid " + pid).isPresent();
        }
        api.stop(id);
        JsonNode w = api.awaitTerminal(id);
        assertThat(w.get("phase").asText()).isEqualTo("Stopped");
        JsonNode last = w.get("conditions").get(w.get("conditions").size() - 1);
        assertThat(last.get("type").asText()).isEqualTo("Stopped");
        assertThat(last.get("reason").asText()).isEqualTo("UserRequest");
        awaitGone(started);
        // the pod's end is recorded
        api.await(id, Api.WAIT, "with its pod ended", x -> !x.get("pods").get(0).path("endTime").asText("").isEmpty()
                && !x.get("pods").get(0).get("phase").asText().equals("Running"));
        // stopping a terminal workload again is a no-op
        api.stop(id);
        assertThat(api.get(id).get("conditions")).hasSize(w.get("conditions").size());
    }

    @Test
    void gpuPodsGetDistinctDeviceIndices() throws Exception {
        Path go = scratch.resolve("go");
        String script = "echo \"cuda=$CUDA_VISIBLE_DEVICES hip=$HIP_VISIBLE_DEVICES\"; while [ ! -f \"$GO\" ]; do sleep 0.1; done";
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Map<String, Object> spec = job("gpu-" + i, 1, script);
            resource(spec).put("gpu", "1");
            spec.put("env", Map.of("GO", go.toString()));
            ids.add(api.submit(spec));
        }
        List<String> devices = new ArrayList<>();
        for (String id : ids) {
            JsonNode w = api.awaitPhase(id, "Running");
            assertThat(texts(w.get("nodes").get(0))).containsExactly("gpu-a");
            String podId = id + "-master-0";
            Instant deadline = Instant.now().plusSeconds(20);
            List<String> lines = api.logs(id, podId);
            while (lines.isEmpty() && Instant.now().isBefore(deadline)) {
                Api.sleep(50);
                lines = api.logs(id, podId);
            }
            assertThat(lines).hasSize(1);
            assertThat(lines.getFirst()).matches("cuda=[01] hip=[01]");
            String cuda = lines.getFirst().substring(5, 6);
            assertThat(lines.getFirst()).endsWith("hip=" + cuda);
            devices.add(cuda);
        }
        assertThat(devices).containsExactlyInAnyOrder("0", "1");
        Files.writeString(go, "");
        for (String id : ids) {
            assertThat(api.awaitTerminal(id).get("phase").asText()).isEqualTo("Succeeded");
        }
    }

    static List<Long> awaitLines(Path file, int count) throws Exception {
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            if (Files.exists(file)) {
                List<String> lines = Files.readAllLines(file).stream().filter(s -> !s.isBlank()).toList();
                if (lines.size() >= count) {
                    return lines.stream().map(s -> Long.parseLong(s.trim())).toList();
                }
            }
            Api.sleep(50);
        }
        throw new AssertionError(file + " did not get " + count + " lines");
    }

    static void awaitGone(List<Long> pids) {
        Instant deadline = Instant.now().plusSeconds(20);
        while (pids.stream().anyMatch(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false))) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("still alive: " + pids.stream().filter(p -> ProcessHandle.of(p).isPresent()).toList());
            }
            Api.sleep(50);
        }
    }
}
