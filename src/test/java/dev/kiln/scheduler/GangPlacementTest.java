package dev.kiln.scheduler;

import static dev.kiln.scheduler.Nodes.node;
import static dev.kiln.scheduler.Snapshots.snapshot;
import static dev.kiln.scheduler.Workloads.job;
import static dev.kiln.scheduler.Workloads.pending;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GangPlacementTest {
    @Test
    void distinctNodeJobWithRoomOnTooFewNodesPlacesNothing() {
        Decision decision = snapshot()
                .nodes(node("node-a"), node("node-b"), node("node-c"))
                .allocatedGpu("node-c", 4)
                .pending(job("train").pods(3).gpu(8))
                .schedule();

        assertThat(decision.placements()).isEmpty();
        assertThat(decision.messages())
                .containsEntry("train", "insufficient gpu: 3 pods need 8 gpu each; 2 nodes fit"
                        + " (node-a: 8 free, node-b: 8 free, node-c: 4 free)");
    }

    @Test
    void distinctNodeJobTakesOneNodePerPod() {
        Decision decision = snapshot()
                .nodes(node("node-a"), node("node-b"), node("node-c"))
                .pending(job("train").pods(3).gpu(2))
                .schedule();

        assertThat(decision.placements()).containsEntry("train", List.of("node-a", "node-b", "node-c"));
    }

    @Test
    void podsThatMayShareANodeAreCountedOnIt() {
        Decision decision = snapshot()
                .nodes(node("node-a"), node("node-b"))
                .allocatedGpu("node-b", 6)
                .pending(pending("serve").pods(5).gpu(2))
                .schedule();

        // node-b is the tighter fit, then node-a takes the other four
        assertThat(decision.placements())
                .containsEntry("serve", List.of("node-b", "node-a", "node-a", "node-a", "node-a"));
    }

    @Test
    void sharedNodePodsThatDoNotAllFitSayHowManyDo() {
        Decision decision = snapshot()
                .nodes(node("node-a"), node("node-b"))
                .allocatedGpu("node-a", 4)
                .allocatedGpu("node-b", 6)
                .pending(pending("serve").pods(4).gpu(2))
                .schedule();

        assertThat(decision.placements()).isEmpty();
        assertThat(decision.messages())
                .containsEntry("serve", "insufficient gpu: 4 pods need 2 gpu each; room for 3 pods"
                        + " (node-a: 4 free, node-b: 2 free)");
    }

    @Test
    void aBlockingResourceIsNamedAmongNodesThatHaveTheOnesBeforeIt() {
        // node-a has the GPUs but not the CPU; node-b the reverse
        Decision decision = snapshot()
                .nodes(node("node-a").cpu(2), node("node-b").cpu(32))
                .allocatedGpu("node-b", 8)
                .pending(pending("w").gpu(4).cpu(8))
                .schedule();

        assertThat(decision.messages())
                .containsEntry("w", "insufficient cpu: 1 pod needs 8 cpu; 0 nodes fit (node-a: 2 free)");
    }

    @Test
    void longNodeListsAreCut() {
        Snapshots snapshot = snapshot();
        for (int i = 0; i < 7; i++) {
            snapshot.node(node("node-" + i)).allocatedGpu("node-" + i, 8 - i);
        }
        Decision decision = snapshot.pending(job("train").pods(2).gpu(6)).schedule();

        assertThat(decision.messages())
                .containsEntry("train", "insufficient gpu: 2 pods need 6 gpu each; 1 node fits"
                        + " (node-6: 6 free, node-5: 5 free, node-4: 4 free, node-3: 3 free, node-2: 2 free, …)");
    }
}
