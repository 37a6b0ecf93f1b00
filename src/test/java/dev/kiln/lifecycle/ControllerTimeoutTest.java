package dev.kiln.lifecycle;

import dev.kiln.TestingClock;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.auth.Caller;
import dev.kiln.runtime.local.LocalRuntime;
import dev.kiln.runtime.local.PodReaper;
import dev.kiln.service.Cluster;
import dev.kiln.service.WorkloadService;
import dev.kiln.store.Database;
import dev.kiln.store.PodRecord;
import dev.kiln.store.PodStore;
import dev.kiln.store.WorkloadStore;
import dev.kiln.workload.Condition;
import dev.kiln.workload.Node;
import dev.kiln.workload.Phase;
import dev.kiln.workload.Workload;
import dev.kiln.workload.WorkloadIds;
import dev.kiln.workload.WorkloadSpec;
import dev.kiln.workload.WorkloadValidator;
import dev.kiln.workload.Workspace;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The timeout rule of SPEC §6 driven pass by pass with a clock the test moves: no real waiting for the timeout.
 * The parts are wired as {@code Kiln.start} wires them, but the loop never starts; its executor is shut down at
 * once, so kicks do nothing and only the test runs passes.
 */
class ControllerTimeoutTest {
    private static final Caller ADMIN = new Caller("tester", "tester", true, Set.of());

    @TempDir
    Path dataDir;

    private final TestingClock clock = new TestingClock(Instant.parse("2026-03-01T10:00:00Z"));
    private Database database;
    private LocalRuntime runtime;
    private WorkloadController controller;
    private WorkloadService service;
    private WorkloadStore store;
    private PodStore pods;

    @BeforeEach
    void setUp() {
        database = Database.open("jdbc:h2:file:" + dataDir.resolve("kiln"), "", "");
        store = new WorkloadStore(database);
        pods = new PodStore(database);
        List<Node> nodes = List.of(new Node("n1", 8000, 0, 16L << 30, 100L << 30, Map.of(), List.of()));
        Cluster cluster = new Cluster("local", ZoneId.of("UTC"), false, nodes,
                List.of(new Workspace("default", null, Map.of(), null, Set.of(), true)), store);
        runtime = new LocalRuntime(dataDir, clock);
        controller = new WorkloadController(store, pods, runtime, cluster, clock,
                new LifecycleSettings(Duration.ofSeconds(1), Duration.ofMinutes(30), Duration.ofDays(7), null, ZoneId.of("UTC")),
                new SecureRandom());
        controller.spawnInline();
        controller.close(); // no background passes: this test drives every one
        service = new WorkloadService(store, new WorkloadValidator(cluster), new WorkloadIds(new SecureRandom()), clock,
                "local", id -> {});
    }

    @AfterEach
    void tearDown() {
        runtime.close();
        database.close();
        PodReaper.killAll(dataDir);
    }

    private String submit(String name, String script, long timeout, int maxRetry) {
        Map<String, Object> resource = new LinkedHashMap<>(Map.of("replica", 1, "cpu", "1", "memory", "1Gi", "ephemeralStorage", "1Gi"));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("displayName", name);
        spec.put("workspaceId", "default");
        spec.put("entryPoint", Base64.getEncoder().encodeToString(script.getBytes(StandardCharsets.UTF_8)));
        spec.put("resource", resource);
        spec.put("timeout", timeout);
        spec.put("maxRetry", maxRetry);
        return service.create(ADMIN, new ObjectMapper().convertValue(spec, WorkloadSpec.class));
    }

    private Workload workload(String id) {
        return store.find(id).orElseThrow();
    }

    /** Runs passes at the fake now until {@code until} holds; real time only lets real processes exit. */
    private Workload passUntil(String id, Predicate<Workload> until) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            controller.runOnce(clock.instant());
            Workload w = workload(id);
            if (until.test(w)) {
                return w;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached: " + w);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void timeoutStopsAtExactlyTheConfiguredSecondAndStopsThePod() throws Exception {
        String id = submit("long", "exec sleep 60", 600, 0);
        Instant t0 = clock.instant();
        controller.runOnce(t0);
        Workload w = workload(id);
        assertThat(w.phase()).isEqualTo(Phase.Running);
        assertThat(w.startTime()).isEqualTo(t0);

        clock.advance(Duration.ofSeconds(599));
        controller.runOnce(clock.instant());
        assertThat(workload(id).phase()).isEqualTo(Phase.Running);

        clock.advance(Duration.ofSeconds(1));
        controller.runOnce(clock.instant());
        w = workload(id);
        assertThat(w.phase()).isEqualTo(Phase.Stopped);
        assertThat(w.endTime()).isEqualTo(t0.plusSeconds(600));
        Condition last = w.conditions().getLast();
        assertThat(last.type()).isEqualTo("TimedOut");
        assertThat(last.message()).contains("timeout of 600s");

        // the next passes stop the pod and record its end
        passUntil(id, x -> pods.of(id, 1).stream().noneMatch(PodRecord::isLive));
        PodRecord pod = pods.of(id, 1).getFirst();
        assertThat(pod.exitCode()).isNotNull().isNotZero();
        assertThat(workload(id).phase()).isEqualTo(Phase.Stopped);
    }

    @Test
    void timeoutIsNotResetByRetries() throws Exception {
        String id = submit("flaky", "[ \"$DISPATCH_COUNT\" = 1 ] && exit 1; exec sleep 60", 100, 5);
        Instant t0 = clock.instant();
        controller.runOnce(t0);
        assertThat(workload(id).startTime()).isEqualTo(t0);

        clock.advance(Duration.ofSeconds(60));
        // run 1 fails (a real exit), the job goes back to the queue and run 2 starts at t0+60
        Workload w = passUntil(id, x -> x.dispatchCount() == 2 && x.phase() == Phase.Running);
        assertThat(w.startTime()).isEqualTo(t0);
        assertThat(w.conditions()).extracting(Condition::type).contains("Retrying");

        // 40 s later — 100 s after the first start, not after the second — it times out
        clock.advance(Duration.ofSeconds(40));
        controller.runOnce(clock.instant());
        w = workload(id);
        assertThat(w.phase()).as(w.toString()).isEqualTo(Phase.Stopped);
        assertThat(w.dispatchCount()).isEqualTo(2);
        assertThat(w.conditions().getLast().type()).isEqualTo("TimedOut");
        assertThat(w.endTime()).isEqualTo(t0.plusSeconds(100));
        passUntil(id, x -> pods.of(id, 2).stream().noneMatch(PodRecord::isLive));
    }
}
