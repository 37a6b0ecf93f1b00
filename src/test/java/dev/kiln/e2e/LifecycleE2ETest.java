package dev.kiln.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.TestingClock;
import dev.kiln.runtime.local.PodReaper;
import dev.kiln.server.Kiln;
import dev.kiln.server.KilnConfig;
import dev.kiln.workload.Times;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dependencies, cron, TTL with logs and hang supervision through the HTTP API, on real processes. */
class LifecycleE2ETest {
    @TempDir
    Path dataDir;

    private KilnConfig config(String hangTimeout) {
        return new KilnConfig(new KilnConfig.Server(0, "127.0.0.1", null), dataDir.toString(), null, null, null,
                List.of(KilnHarness.node("n1", "8"), KilnHarness.node("n2", "8")), List.of(),
                new KilnConfig.Lifecycle("1s", hangTimeout, null, null));
    }

    @Test
    void aDependentRunsAfterItsDependencySucceedsAndFailsWhenItFails() {
        try (KilnHarness k = KilnHarness.start(dataDir, List.of(KilnHarness.node("n1", "8"), KilnHarness.node("n2", "8")))) {
            String a = k.api.submit(Api.job("a", 1, "sleep 1; echo a done"));
            Map<String, Object> b = Api.job("b", 1, "echo b ran");
            b.put("dependencies", List.of(a));
            String dependent = k.api.submit(b);
            JsonNode waiting = k.api.get(dependent);
            assertThat(waiting.get("phase").asText()).isEqualTo("Pending");
            assertThat(k.api.awaitTerminal(a).get("phase").asText()).isEqualTo("Succeeded");
            JsonNode done = k.api.awaitTerminal(dependent);
            assertThat(done.get("phase").asText()).isEqualTo("Succeeded");
            assertThat(k.api.logs(dependent, dependent + "-master-0")).containsExactly("b ran");

            String bad = k.api.submit(Api.job("bad", 1, "exit 4"));
            Map<String, Object> c = Api.job("c", 1, "echo never");
            c.put("dependencies", List.of(bad));
            String failed = k.api.submit(c);
            JsonNode f = k.api.awaitTerminal(failed);
            assertThat(f.get("phase").asText()).isEqualTo("Failed");
            assertThat(Api.conditionReasons(f)).contains("Failed/DependencyFailed");
            assertThat(f.get("message").asText()).isEqualTo("dependency " + bad + " is Failed");
            assertThat(f.get("dispatchCount").asInt()).isZero();
        }
    }

    @Test
    void aCronStartSeventySecondsAheadHoldsTheJobThenRunsIt() {
        TestingClock clock = new TestingClock(Instant.now());
        Kiln kiln = Kiln.start(config(null), clock);
        try {
            Api api = new Api(kiln.url());
            Instant at = clock.instant().plusSeconds(70).truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
            Map<String, Object> spec = Api.job("at", 1, "echo started by cron");
            spec.put("cronJobs", List.of(Map.of("schedule", Times.format(at) + "Z", "action", "start")));
            String id = api.submit(spec);
            JsonNode held = api.await(id, Api.WAIT, "held", w -> w.get("message").asText().startsWith("waiting for"));
            assertThat(held.get("phase").asText()).isEqualTo("Pending");
            assertThat(held.get("message").asText()).isEqualTo("waiting for scheduled start at " + Times.format(at));

            clock.set(at);
            JsonNode done = api.awaitTerminal(id);
            assertThat(done.get("phase").asText()).isEqualTo("Succeeded");
            assertThat(Api.conditionReasons(done)).contains("Queued/Cron");
            assertThat(api.logs(id, id + "-master-0")).containsExactly("started by cron");
        } finally {
            kiln.close();
            PodReaper.killAll(dataDir);
        }
    }

    @Test
    void logsOfAFinishedWorkloadStayReadableAfterItsTtlAndAfterARestart() {
        String id;
        try (KilnHarness k = KilnHarness.start(dataDir, List.of(KilnHarness.node("n1", "8")))) {
            Map<String, Object> spec = Api.job("ttl", 1, "echo one; echo two");
            spec.put("ttlSecondsAfterFinished", 0);
            id = k.api.submit(spec);
            JsonNode released = k.api.await(id, Api.WAIT, "released", w -> !w.get("deletionTime").asText().isEmpty());
            assertThat(released.get("phase").asText()).isEqualTo("Succeeded");
            assertThat(k.api.logs(id, id + "-master-0")).containsExactly("one", "two");
            assertThat(dataDir.resolve("pods").resolve(id).resolve("1").resolve(id + "-master-0").resolve("work")).doesNotExist();
        }
        try (KilnHarness again = KilnHarness.start(dataDir, List.of(KilnHarness.node("n1", "8")))) {
            assertThat(again.api.get(id).get("phase").asText()).isEqualTo("Succeeded");
            assertThat(again.api.logs(id, id + "-master-0")).containsExactly("one", "two");
        }
    }

    @Test
    void aSupervisedJobThatPrintsOnceAndSleepsIsFailedAsHung() {
        Kiln kiln = Kiln.start(config("2s"), java.time.Clock.systemUTC());
        try {
            Api api = new Api(kiln.url());
            Map<String, Object> spec = Api.job("silent", 1, "echo once; sleep 60");
            spec.put("isSupervised", true);
            String id = api.submit(spec);
            JsonNode w = api.await(id, Duration.ofSeconds(20), "failed", x -> x.get("phase").asText().equals("Failed"));
            assertThat(Api.conditionReasons(w)).contains("Hang/Hang", "Failed/Hang");
            assertThat(w.get("message").asText()).contains("hung: no log output for 2s from pod " + id + "-master-0");
            assertThat(api.logs(id, id + "-master-0")).first().isEqualTo("once"); // bash may add "Terminated"
        } finally {
            kiln.close();
            PodReaper.killAll(dataDir);
        }
    }
}
