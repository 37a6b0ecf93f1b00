package dev.kiln.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.CreateBody;
import dev.kiln.runtime.PodKey;
import dev.kiln.runtime.PodLaunch;
import dev.kiln.runtime.PodRuntime;
import dev.kiln.runtime.PodStatus;
import dev.kiln.runtime.ServiceNetwork;
import dev.kiln.service.Cluster;
import dev.kiln.store.Database;
import dev.kiln.store.PodRecord;
import dev.kiln.store.PodStore;
import dev.kiln.store.WorkloadStore;
import dev.kiln.workload.Condition;
import dev.kiln.workload.Json;
import dev.kiln.workload.Node;
import dev.kiln.workload.Phase;
import dev.kiln.workload.Workload;
import dev.kiln.workload.WorkloadSpec;
import dev.kiln.workload.WorkloadValidator;
import dev.kiln.workload.Workspace;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Restart policy Always, driven pass by pass with a fake clock and a fake runtime: the back-off sequence, its reset
 * after 10 minutes of running, and liveness failures that restart a pod.
 */
class RestartPolicyTest {
    private static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");

    private Database database;
    private WorkloadStore workloads;
    private PodStore pods;
    private FakeRuntime runtime;
    private WorkloadController controller;
    private final AtomicBoolean healthy = new AtomicBoolean(true);

    @BeforeEach
    void setUp() {
        database = Database.open("jdbc:h2:mem:restart-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "", "");
        workloads = new WorkloadStore(database);
        pods = new PodStore(database);
        runtime = new FakeRuntime(java.time.Clock.fixed(T0, ZoneId.of("UTC")));
        Cluster cluster = new Cluster("local", ZoneId.of("UTC"), false,
                List.of(new Node("node-a", 16_000, 0, 64L << 30, 500L << 30, Map.of(), List.of())),
                List.of(new Workspace("default", null, Map.of(), null, java.util.Set.of(), true)), workloads);
        // probes run at once on the calling thread, so a pass sees the result of the probes it started
        Probes probes = new Probes(new DirectExecutor(), (port, path) -> healthy.get());
        controller = new WorkloadController(workloads, pods, runtime, cluster, java.time.Clock.fixed(T0, ZoneId.of("UTC")),
                LifecycleSettings.defaults(), new Random(1), probes, ServiceNetwork.none());
        controller.spawnInline();
        this.cluster = cluster;
    }

    private Cluster cluster;

    @AfterEach
    void tearDown() {
        controller.close();
        database.close();
    }

    @Test
    void backOffDoublesFromOneSecondToFiveMinutesAndResetsAfterTenMinutesOfRunning() {
        String id = insert(CreateBody.deployment("crashy").build());
        controller.runOnce(T0);
        PodRecord pod = onlyPod(id);
        assertThat(pod.phase()).isEqualTo(PodRecord.RUNNING);
        assertThat(runtime.starts).hasSize(1);

        Instant now = T0;
        List<Long> delays = new ArrayList<>();
        for (int i = 1; i <= 11; i++) {
            runtime.exit(key(pod), 1);
            controller.runOnce(now);
            PodRecord waiting = onlyPod(id);
            assertThat(waiting.phase()).isEqualTo(PodRecord.WAITING);
            Duration delay = Duration.between(now, waiting.restartAt());
            delays.add(delay.toSeconds());
            // not a moment early
            controller.runOnce(now.plus(delay).minusMillis(1));
            assertThat(onlyPod(id).phase()).isEqualTo(PodRecord.WAITING);
            now = now.plus(delay);
            controller.runOnce(now);
            pod = onlyPod(id);
            assertThat(pod.phase()).isEqualTo(PodRecord.RUNNING);
            assertThat(pod.restartCount()).isEqualTo(i);
            assertThat(pod.exitCode()).isEqualTo(1);
        }
        assertThat(delays).containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 64L, 128L, 256L, 300L, 300L);
        assertThat(runtime.restarts).hasSize(11);

        // ten minutes of running: the next exit starts again from 1 s
        now = now.plus(Duration.ofMinutes(10));
        runtime.exitAt(key(pod), 1, now);
        controller.runOnce(now);
        assertThat(Duration.between(now, onlyPod(id).restartAt())).isEqualTo(Duration.ofSeconds(1));
        assertThat(workloads.find(id).orElseThrow().phase()).isEqualTo(Phase.NotReady);
        controller.runOnce(now.plusSeconds(1));
        controller.runOnce(now.plusSeconds(1));
        assertThat(workloads.find(id).orElseThrow().phase()).isEqualTo(Phase.Running);
        assertThat(onlyPod(id).restartCount()).isEqualTo(12);
    }

    @Test
    void livenessFailuresRestartThePodWithAReasonAndACount() {
        String id = insert(CreateBody.deployment("sick")
                .set("liveness", Map.of("path", "/healthz", "port", 8080, "initialDelaySeconds", 5, "periodSeconds", 2,
                        "failureThreshold", 3))
                .build());
        controller.runOnce(T0);
        PodRecord pod = onlyPod(id);
        assertThat(pod.port()).isPositive();
        healthy.set(false);
        Instant now = T0;
        // probes at +5, +7, +9 fail; the pass after the third stops the pod
        for (int s = 1; s <= 9; s++) {
            now = T0.plusSeconds(s);
            controller.runOnce(now);
            assertThat(runtime.stops).isEmpty();
        }
        now = now.plusSeconds(1);
        controller.runOnce(now);
        assertThat(runtime.stops).containsExactly(key(pod));
        Workload w = workloads.find(id).orElseThrow();
        Condition last = w.conditions().get(w.conditions().size() - 1);
        assertThat(last.reason()).isEqualTo("LivenessProbeFailed");
        assertThat(last.message()).contains(pod.podId(), "GET /healthz", "3 times");

        healthy.set(true);
        controller.runOnce(now); // records the exit the stop caused
        PodRecord waiting = onlyPod(id);
        assertThat(waiting.phase()).isEqualTo(PodRecord.WAITING);
        assertThat(waiting.reason()).isEqualTo("LivenessProbeFailed");
        controller.runOnce(now.plusSeconds(1));
        PodRecord restarted = onlyPod(id);
        assertThat(restarted.phase()).isEqualTo(PodRecord.RUNNING);
        assertThat(restarted.restartCount()).isEqualTo(1);
        assertThat(RuntimePods.view(restarted).containers().get(0).reason()).isEqualTo("LivenessProbeFailed");
        assertThat(RuntimePods.view(restarted).containers().get(0).restartCount()).isEqualTo(1);
        // the restarted pod passes its probes: no second restart
        for (int s = 2; s <= 20; s++) {
            controller.runOnce(now.plusSeconds(s));
        }
        assertThat(runtime.stops).hasSize(1);
        assertThat(onlyPod(id).restartCount()).isEqualTo(1);
    }

    @Test
    void aStoppedWorkloadsWaitingPodIsNotRestarted() {
        String id = insert(CreateBody.authoring("dev box").without("entryPoint").build());
        controller.runOnce(T0);
        PodRecord pod = onlyPod(id);
        runtime.exit(key(pod), 0);
        controller.runOnce(T0);
        assertThat(onlyPod(id).phase()).isEqualTo(PodRecord.WAITING);
        Workload w = workloads.find(id).orElseThrow();
        Workload.Builder b = w.toBuilder();
        b.phase = Phase.Stopped;
        b.endTime = T0;
        assertThat(workloads.update(b.build())).isTrue();
        controller.runOnce(T0.plusSeconds(5));
        assertThat(onlyPod(id).isLive()).isFalse();
        assertThat(runtime.restarts).isEmpty();
    }

    private String insert(Map<String, Object> body) {
        WorkloadSpec spec = new WorkloadValidator(cluster).validate(Json.read(Json.write(body), WorkloadSpec.class), T0);
        String id = dev.kiln.workload.WorkloadIds.normalise(spec.displayName()).orElseThrow() + "-abcde";
        workloads.insert(new Workload(id, UUID.randomUUID().toString(), spec, "u", "user", "local", Phase.Pending, "", T0,
                null, null, null, 0, 0, false, false, List.of(Condition.of("Queued", "Created", "created", T0)),
                List.of(), List.of(), "", false, 0));
        return id;
    }

    private PodRecord onlyPod(String id) {
        List<PodRecord> all = pods.allOf(id);
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    private static PodKey key(PodRecord p) {
        return new PodKey(p.workloadId(), p.dispatch(), p.podId());
    }

    /** Runs tasks on the caller's thread. */
    private static final class DirectExecutor extends AbstractExecutorService {
        private volatile boolean shutdown;

        @Override
        public void execute(Runnable command) {
            command.run();
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            shutdown = true;
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public boolean isTerminated() {
            return shutdown;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }
}
