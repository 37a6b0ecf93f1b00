package dev.kiln.scheduler;

import static dev.kiln.scheduler.Nodes.node;
import static dev.kiln.scheduler.Snapshots.snapshot;
import static dev.kiln.scheduler.Workloads.pending;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BestFitTest {
    @Test
    void picksTheNodeLeftWithTheLeastGpu() {
        Decision decision = snapshot()
                .nodes(node("node-a"), node("node-b"), node("node-c"))
                .allocatedGpu("node-b", 6)
                .allocatedGpu("node-c", 4)
                .pending(pending("w").gpu(2))
                .schedule();

        assertThat(decision.placements()).containsEntry("w", List.of("node-b"));
    }

    @Test
    void gpuTiesGoToTheNodeLeftWithTheLeastCpu() {
        Decision decision = snapshot()
                .nodes(node("node-a").cpu(16), node("node-b").cpu(8), node("node-c").cpu(12))
                .pending(pending("w").gpu(2).cpu(4))
                .schedule();

        assertThat(decision.placements()).containsEntry("w", List.of("node-b"));
    }

    @Test
    void cpuTiesGoToTheNodeLeftWithTheLeastMemory() {
        Decision decision = snapshot()
                .nodes(node("node-a").memoryGi(256), node("node-b").memoryGi(128), node("node-c").memoryGi(512))
                .pending(pending("w"))
                .schedule();

        assertThat(decision.placements()).containsEntry("w", List.of("node-b"));
    }

    @Test
    void fullTiesGoToTheFirstName() {
        Decision decision = snapshot()
                .nodes(node("node-c"), node("node-a"), node("node-b"))
                .pending(pending("w").gpu(1))
                .schedule();

        assertThat(decision.placements()).containsEntry("w", List.of("node-a"));
    }

    @Test
    void laterWorkloadsSeeWhatEarlierOnesTook() {
        Decision decision = snapshot()
                .nodes(node("node-a"), node("node-b"))
                .allocatedGpu("node-a", 4)
                .pending(pending("first").gpu(4).createdAfter(0), pending("second").gpu(4).createdAfter(1))
                .schedule();

        assertThat(decision.placements())
                .containsEntry("first", List.of("node-a"))
                .containsEntry("second", List.of("node-b"));
    }
}
