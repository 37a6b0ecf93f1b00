package dev.kiln.lifecycle;

import static dev.kiln.lifecycle.LifecycleHarness.GI;
import static dev.kiln.lifecycle.LifecycleHarness.T0;
import static dev.kiln.lifecycle.LifecycleHarness.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.runtime.PodKey;
import dev.kiln.store.PodRecord;
import dev.kiln.workload.Condition;
import dev.kiln.workload.Node;
import dev.kiln.workload.Phase;
import dev.kiln.workload.ResourceSpec;
import dev.kiln.workload.Workload;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TTL, log retention, hang supervision, timeout and the start estimate, driven by the clock alone. */
class TimeRulesTest {
    @TempDir
    Path dir;

    @Test
    void ttlReleasesPodsButKeepsTheWorkloadListed() {
        try (LifecycleHarness h = new LifecycleHarness(dir, LifecycleHarness.settings())) {
            var b = job("short");
            b.ttlSecondsAfterFinished = 60L;
            String id = h.create(b);
            h.run();
            h.finish(id, 0);
            Workload done = h.get(id);
            assertThat(done.phase()).isEqualTo(Phase.Succeeded);

            h.clock.set(done.endTime().plusSeconds(59));
            h.run();
            assertThat(h.runtime.released).isEmpty();
            assertThat(h.get(id).deletionTime()).isNull();

            h.clock.set(done.endTime().plusSeconds(60));
            h.run();
            assertThat(h.runtime.released).containsExactlyElementsOf(h.runtime.keysOf(id));
            assertThat(h.get(id).deletionTime()).isEqualTo(h.clock.instant());
            assertThat(h.store.find(id)).as("still listed").isPresent();
            assertThat(h.pods.allOf(id)).allMatch(PodRecord::released);
        }
    }

    @Test
    void logsArePurgedAfterTheRetentionAndOldestFirstPastTheSizeCap() {
        LifecycleSettings settings = new LifecycleSettings(Duration.ofSeconds(30), Duration.ofMinutes(30),
                Duration.ofHours(1), 100L, ZoneOffset.UTC);
        try (LifecycleHarness h = new LifecycleHarness(dir, settings)) {
            String first = h.create(job("first"));
            h.run();
            h.finish(first, 0);
            h.clock.advance(Duration.ofMinutes(10));
            String second = h.create(job("second"));
            h.run();
            h.finish(second, 0);
            h.clock.advance(Duration.ofMinutes(10));
            String third = h.create(job("third"));
            h.run();
            h.finish(third, 0);
            PodKey k1 = h.runtime.keysOf(first).getFirst();
            PodKey k2 = h.runtime.keysOf(second).getFirst();
            PodKey k3 = h.runtime.keysOf(third).getFirst();
            h.runtime.logBytes.put(k1, 60L);
            h.runtime.logBytes.put(k2, 60L);
            h.runtime.logBytes.put(k3, 30L);

            h.clock.advance(Duration.ofMinutes(2));
            h.run();
            assertThat(h.runtime.purged).as("150 bytes > 100: the oldest goes").containsExactly(k1);

            h.clock.set(h.get(second).endTime().plus(Duration.ofHours(1)).plusSeconds(61));
            h.run();
            assertThat(h.runtime.purged).as("past the retention").contains(k2).doesNotContain(k3);
        }
    }

    @Test
    void aSilentSupervisedJobIsFailedAsHungAndRetried() {
        LifecycleSettings settings = new LifecycleSettings(Duration.ofSeconds(30), Duration.ofMinutes(30),
                Duration.ofDays(7), null, ZoneOffset.UTC);
        try (LifecycleHarness h = new LifecycleHarness(dir, settings)) {
            var b = job("train");
            b.isSupervised = true;
            b.maxRetry = 1;
            b.resource = new ResourceSpec(2, "1", "0", "1Gi", "1Gi", null);
            String id = h.create(b);
            h.run();
            List<PodKey> run1 = h.runtime.keysOf(id);
            h.runtime.lastWrite.put(run1.get(0), T0.plus(Duration.ofMinutes(10)));

            h.clock.set(T0.plus(Duration.ofMinutes(39)));
            h.run();
            assertThat(h.get(id).phase()).as("one pod wrote 29 min ago").isEqualTo(Phase.Running);

            h.clock.set(T0.plus(Duration.ofMinutes(40)));
            h.run();
            Workload w = h.get(id);
            Condition hang = w.conditions().stream().filter(c -> c.type().equals("Hang")).findFirst().orElseThrow();
            assertThat(hang.message()).isEqualTo("no log output for 1800s from pods " + run1.get(0).podId() + ", " + run1.get(1).podId());
            assertThat(w.conditions().stream().anyMatch(c -> c.type().equals("Retrying") && c.reason().equals("Hang"))).isTrue();
            assertThat(w.dispatchCount()).as("retried").isEqualTo(2);
            h.run();
            assertThat(h.runtime.stops).containsAll(run1);
        }
    }

    @Test
    void aWorkloadMaySetItsOwnHangTimeout() {
        try (LifecycleHarness h = new LifecycleHarness(dir, LifecycleHarness.settings())) {
            var b = job("quick");
            b.isSupervised = true;
            b.env = Map.of("KILN_HANG_TIMEOUT", "60");
            String id = h.create(b);
            h.run();
            h.clock.advance(Duration.ofSeconds(60));
            h.run();
            assertThat(h.get(id).phase()).isEqualTo(Phase.Failed);
            assertThat(h.get(id).conditions().getLast().reason()).isEqualTo("Hang");
        }
    }

    @Test
    void timeoutStopsTheWorkloadWithATimedOutCondition() {
        try (LifecycleHarness h = new LifecycleHarness(dir, LifecycleHarness.settings())) {
            var b = job("bounded");
            b.timeout = 120L;
            String id = h.create(b);
            h.run();
            h.clock.advance(Duration.ofSeconds(119));
            h.run();
            assertThat(h.get(id).phase()).isEqualTo(Phase.Running);
            h.clock.advance(Duration.ofSeconds(1));
            h.run();
            Workload w = h.get(id);
            assertThat(w.phase()).isEqualTo(Phase.Stopped);
            assertThat(w.conditions().getLast().type()).isEqualTo("TimedOut");
            h.run();
            assertThat(h.runtime.stops).containsAll(h.runtime.keysOf(id));
        }
    }

    @Test
    void theStartEstimateComesFromTheRunningWorkloadsTimeouts() {
        List<Node> oneGpu = List.of(new Node("node-a", 8000, 1, 32 * GI, 500 * GI, Map.of(), List.of()));
        try (LifecycleHarness h = new LifecycleHarness(dir, LifecycleHarness.settings(), oneGpu)) {
            var big = job("big");
            big.timeout = 3600L;
            big.resource = new ResourceSpec(1, "1", "1", "1Gi", "1Gi", null);
            String running = h.create(big);
            h.run();
            var next = job("next");
            next.resource = new ResourceSpec(1, "1", "1", "1Gi", "1Gi", null);
            String waiting = h.create(next);
            h.run();
            StartEstimator estimator = new StartEstimator(h.store, h.pods, h.cluster);
            Workload w = h.get(waiting);
            assertThat(w.message()).startsWith("insufficient gpu");
            assertThat(estimator.estimatedStart(w, h.clock.instant())).contains(h.get(running).startTime().plusSeconds(3600));

            var forever = job("forever");
            forever.resource = new ResourceSpec(1, "1", "0", "1Gi", "1Gi", null);
            String noTimeout = h.create(forever);
            h.run();
            assertThat(estimator.estimatedStart(h.get(noTimeout), h.clock.instant())).as("running, not pending").isEmpty();
        }
    }
}
