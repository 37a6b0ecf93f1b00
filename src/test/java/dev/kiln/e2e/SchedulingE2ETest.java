package dev.kiln.e2e;

import static dev.kiln.e2e.Api.job;
import static dev.kiln.e2e.Api.resource;
import static dev.kiln.e2e.Api.texts;
import static dev.kiln.e2e.KilnHarness.node;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Gang placement, reservations, queue order and node constraints, seen through the API with real pods. */
class SchedulingE2ETest {
    @TempDir
    Path dataDir;

    @TempDir
    Path scratch;

    private KilnHarness kiln;
    private Api api;

    private void start(List<dev.kiln.server.KilnConfig.NodeConfig> nodes) {
        kiln = KilnHarness.start(dataDir, nodes);
        api = kiln.api;
    }

    @AfterEach
    void close() {
        if (kiln != null) {
            kiln.close();
        }
    }

    /** A job that runs until the test creates the file {@code go}. */
    private Map<String, Object> waiting(String name, int replica, String cpu) {
        Map<String, Object> spec = job(name, replica, "while [ ! -f \"$GO\" ]; do sleep 0.1; done");
        resource(spec).put("cpu", cpu);
        spec.put("env", Map.of("GO", scratch.resolve("go").toString()));
        return spec;
    }

    private void release() throws Exception {
        Files.writeString(scratch.resolve("go"), "");
    }

    private JsonNode awaitMessage(String id, String part) {
        return api.await(id, Api.WAIT, "pending with a message containing '" + part + "'",
                w -> w.get("phase").asText().equals("Pending") && w.get("message").asText().contains(part));
    }

    private void assertNeverStarted(JsonNode w) {
        assertThat(w.get("phase").asText()).isEqualTo("Pending");
        assertThat(w.get("dispatchCount").asInt()).isZero();
        assertThat(w.get("pods")).isEmpty();
        assertThat(w.get("nodes")).isEmpty();
        assertThat(w.path("startTime").asText("")).isEmpty();
    }

    @Test
    void gangStartsNoPodUntilAllFitAndSaysWhy() throws Exception {
        start(List.of(node("n1", "4"), node("n2", "4"), node("n3", "4")));
        Map<String, Object> blocker = waiting("blocker", 1, "4");
        blocker.put("specifiedNodes", List.of("n3"));
        String b = api.submit(blocker);
        api.awaitPhase(b, "Running");

        String gang = api.submit(waiting("gang", 3, "4"));
        JsonNode w = awaitMessage(gang, "insufficient cpu");
        assertThat(w.get("message").asText()).contains("3 pods need 4 cpu each", "2 nodes fit", "n3: 0 free");
        // a second look a few passes later: still nothing started
        Api.sleep(1500);
        w = api.get(gang);
        assertNeverStarted(w);
        assertThat(w.get("schedulerOrder").asInt()).isEqualTo(1);
        assertThat(w.get("secondsUntilTimeout").asLong()).isZero();

        release();
        assertThat(api.awaitTerminal(b).get("phase").asText()).isEqualTo("Succeeded");
        JsonNode done = api.awaitTerminal(gang);
        assertThat(done.get("phase").asText()).isEqualTo("Succeeded");
        assertThat(new HashSet<>(texts(done.get("nodes").get(0)))).containsExactlyInAnyOrder("n1", "n2", "n3");
        assertThat(done.get("schedulerOrder").asInt()).isZero();
    }

    @Test
    void reservationKeepsLaterJobsOffWhatABlockedJobWaitsForWhileOthersBackfill() throws Exception {
        Map<String, String> a = Map.of("pool", "a");
        start(List.of(
                node("n1", "4", "0", a, List.of()), node("n2", "4", "0", a, List.of()), node("n3", "4", "0", a, List.of()),
                node("n4", "4", "0", Map.of("pool", "b"), List.of())));
        Map<String, Object> blocker = waiting("blocker", 1, "4");
        blocker.put("specifiedNodes", List.of("n1"));
        String b = api.submit(blocker);
        api.awaitPhase(b, "Running");

        Map<String, Object> gangSpec = waiting("gang", 3, "4");
        gangSpec.put("customerLabels", a);
        String gang = api.submit(gangSpec);
        awaitMessage(gang, "insufficient cpu");

        // fits on n2 or n3 right now, but those are reserved for the gang
        Map<String, Object> smallA = waiting("small-a", 1, "2");
        smallA.put("customerLabels", a);
        String behind = api.submit(smallA);
        JsonNode w = awaitMessage(behind, "reserved by " + gang);
        assertThat(w.get("message").asText()).contains("cpu");
        // fits on n4, which the gang cannot use: starts at once
        String free = api.submit(waiting("small-any", 1, "2"));
        JsonNode running = api.awaitPhase(free, "Running");
        assertThat(texts(running.get("nodes").get(0))).containsExactly("n4");

        Api.sleep(1200);
        assertNeverStarted(api.get(behind));
        assertNeverStarted(api.get(gang));
        assertThat(api.get(gang).get("schedulerOrder").asInt()).isEqualTo(1);
        assertThat(api.get(behind).get("schedulerOrder").asInt()).isEqualTo(2);

        release();
        for (String id : List.of(b, gang, behind, free)) {
            assertThat(api.awaitTerminal(id).get("phase").asText()).as(id).isEqualTo("Succeeded");
        }
        // the gang ran before the small job that waited behind it
        JsonNode g = api.get(gang);
        JsonNode s = api.get(behind);
        assertThat(s.get("startTime").asText()).isGreaterThanOrEqualTo(g.get("startTime").asText());
    }

    @Test
    void queueRunsByPriorityThenCreationAndShowsSchedulerOrder() throws Exception {
        start(List.of(node("p1", "4")));
        String b = api.submit(waiting("blocker", 1, "4"));
        api.awaitPhase(b, "Running");

        Path order = scratch.resolve("order");
        String[][] jobs = {{"a", "0"}, {"b", "1"}, {"c", "2"}, {"d", "0"}};
        Map<String, String> ids = new java.util.LinkedHashMap<>();
        for (String[] j : jobs) {
            Map<String, Object> spec = job(j[0], 1, "echo \"$DISPLAY_NAME\" >> \"$ORDER\"");
            resource(spec).put("cpu", "4");
            spec.put("priority", Integer.parseInt(j[1]));
            spec.put("env", Map.of("ORDER", order.toString()));
            ids.put(j[0], api.submit(spec));
        }
        api.await(ids.get("d"), Api.WAIT, "fourth in the queue", w -> w.get("schedulerOrder").asInt() == 4);
        assertThat(api.get(ids.get("c")).get("schedulerOrder").asInt()).isEqualTo(1);
        assertThat(api.get(ids.get("b")).get("schedulerOrder").asInt()).isEqualTo(2);
        assertThat(api.get(ids.get("a")).get("schedulerOrder").asInt()).isEqualTo(3);
        assertThat(api.get(ids.get("a")).get("message").asText()).isNotEmpty();
        JsonNode listed = api.ok("GET", "/workloads?workspaceId=default&phase=Pending&sortBy=priority&order=desc", null);
        assertThat(listed.get("totalCount").asInt()).isEqualTo(4);

        release();
        for (String id : ids.values()) {
            assertThat(api.awaitTerminal(id).get("phase").asText()).isEqualTo("Succeeded");
        }
        assertThat(Files.readAllLines(order)).containsExactly("c", "b", "a", "d");
    }

    @Test
    void labelsSpecifiedNodesAndTaints() {
        String taint = "maintenance=true:NoSchedule";
        start(List.of(
                node("n1", "8", "0", Map.of("zone", "a"), List.of()),
                node("n2", "8", "0", Map.of("zone", "b"), List.of()),
                node("n3", "8", "0", Map.of("zone", "b"), List.of()),
                node("nt", "8", "0", Map.of("zone", "a"), List.of(taint))));

        Map<String, Object> labelled = job("labelled", 2, "true");
        labelled.put("customerLabels", Map.of("zone", "b"));
        String l = api.submit(labelled);

        Map<String, Object> pinned = job("pinned", 1, "echo $KILN_NODE");
        pinned.put("specifiedNodes", List.of("n3", "n1"));
        String p = api.submit(pinned);

        Map<String, Object> tainted = job("tainted", 1, "true");
        tainted.put("specifiedNodes", List.of("nt"));
        dev.kiln.api.ApiClient.Response refused = api.send("POST", "/workloads", tainted);
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        tainted.put("isTolerateAll", true);
        String t = api.submit(tainted);

        dev.kiln.api.ApiClient.Response tooWide = api.send("POST", "/workloads", job("wide", 4, "true"));
        assertThat(tooWide.status()).as(tooWide.body()).isEqualTo(400);
        Map<String, Object> wide = job("wide", 4, "true");
        wide.put("isTolerateAll", true);
        String all = api.submit(wide);

        JsonNode lw = api.awaitTerminal(l);
        assertThat(lw.get("phase").asText()).isEqualTo("Succeeded");
        assertThat(new HashSet<>(texts(lw.get("nodes").get(0)))).containsExactlyInAnyOrder("n2", "n3");

        JsonNode pw = api.awaitTerminal(p);
        assertThat(pw.get("phase").asText()).isEqualTo("Succeeded");
        assertThat(pw.get("resource").get("replica").asInt()).isEqualTo(2);
        assertThat(texts(pw.get("specifiedNodes"))).containsExactly("n3", "n1");
        assertThat(new HashSet<>(texts(pw.get("nodes").get(0)))).containsExactlyInAnyOrder("n1", "n3");
        for (JsonNode pod : pw.get("pods")) {
            assertThat(api.logs(p, pod.get("podId").asText())).containsExactly(pod.get("k8sNodeName").asText());
        }

        JsonNode tw = api.awaitTerminal(t);
        assertThat(tw.get("phase").asText()).isEqualTo("Succeeded");
        assertThat(texts(tw.get("nodes").get(0))).containsExactly("nt");

        JsonNode aw = api.awaitTerminal(all);
        assertThat(aw.get("phase").asText()).isEqualTo("Succeeded");
        assertThat(new HashSet<>(texts(aw.get("nodes").get(0)))).containsExactlyInAnyOrder("n1", "n2", "n3", "nt");
    }
}
