package dev.kiln.scheduler;

import static dev.kiln.scheduler.Nodes.node;
import static dev.kiln.scheduler.Snapshots.snapshot;
import static dev.kiln.scheduler.Workloads.job;
import static dev.kiln.scheduler.Workloads.pending;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReservationTest {
    /** Two H100 nodes, one of them half busy, and one A100 node. */
    private static Snapshots cluster() {
        return snapshot()
                .nodes(
                        node("node-a").label("gpu", "h100"),
                        node("node-b").label("gpu", "h100"),
                        node("node-c").label("gpu", "a100"))
                .allocatedGpu("node-a", 4);
    }

    @Test
    void aBlockedJobKeepsLaterWorkOffItsNodesWhileOtherWorkFlows() {
        Decision decision = cluster()
                .pending(
                        job("big").pods(2).gpu(8).label("gpu", "h100").priority(2),
                        pending("small").gpu(4).label("gpu", "h100").priority(0),
                        pending("anywhere").gpu(4).priority(0).createdAfter(1))
                .schedule();

        assertThat(decision.messages())
                .containsEntry("big", "insufficient gpu: 2 pods need 8 gpu each; 1 node fits"
                        + " (node-b: 8 free, node-a: 4 free)")
                .containsEntry("small", "waiting for resources reserved by big (gpu on node-a)");
        assertThat(decision.placements()).containsOnlyKeys("anywhere").containsEntry("anywhere", List.of("node-c"));
    }

    @Test
    void withoutTheBlockedJobTheSmallOneWouldFit() {
        Decision decision = cluster()
                .pending(pending("small").gpu(4).label("gpu", "h100").priority(0))
                .schedule();

        assertThat(decision.placements()).containsEntry("small", List.of("node-a"));
    }

    @Test
    void aReservationHoldsOnlyWhatTheBlockedJobNeeds() {
        // big holds 8 gpu and 8 cores on node-a and node-b; the cores beyond that stay usable
        Decision decision = snapshot()
                .nodes(node("node-a"), node("node-b"), node("node-c"))
                .allocatedGpu("node-a", 4)
                .allocatedGpu("node-c", 8)
                .pending(
                        job("big").pods(3).gpu(8).cpu(8).createdAfter(0),
                        pending("cpu-only").cpu(32).createdAfter(1),
                        pending("gpu-one").gpu(1).createdAfter(2))
                .schedule();

        assertThat(decision.placements()).containsOnlyKeys("cpu-only").containsEntry("cpu-only", List.of("node-a"));
        assertThat(decision.messages().get("gpu-one"))
                .isEqualTo("waiting for resources reserved by big (gpu on node-a)");
    }

    @Test
    void aLowerPriorityJobCannotDelayAnEarlierOneThatWaits() {
        // the 4 free GPUs on node-a are held for big, so the later 4-GPU job may not take them
        Decision decision = snapshot()
                .nodes(node("node-a"))
                .allocatedGpu("node-a", 4)
                .pending(pending("big").gpu(8).priority(2), pending("backfill").gpu(4).priority(0))
                .schedule();

        assertThat(decision.placements()).isEmpty();
        assertThat(decision.messages().get("backfill"))
                .isEqualTo("waiting for resources reserved by big (gpu on node-a)");
    }

    @Test
    void laterBlockedJobsQueueOnTheSameNodesBehindTheFirst() {
        Decision decision = snapshot()
                .nodes(node("node-a"), node("node-b"))
                .allocatedGpu("node-a", 4)
                .allocatedGpu("node-b", 8)
                .pending(
                        pending("first").gpu(8).createdAfter(0),
                        pending("second").gpu(8).createdAfter(1),
                        pending("tiny").gpu(2).createdAfter(2))
                .schedule();

        assertThat(decision.placements()).isEmpty();
        assertThat(decision.messages())
                .containsEntry("second", "insufficient gpu: 1 pod needs 8 gpu; 0 nodes fit"
                        + " (node-a: 4 free, node-b: 0 free)")
                .containsEntry("tiny", "waiting for resources reserved by first (gpu on node-a)");
    }

    @Test
    void aJobThatCanNeverFitReservesNothing() {
        Decision decision = snapshot()
                .nodes(node("node-a"))
                .pending(job("huge").pods(2).gpu(8).createdAfter(0), pending("w").gpu(8).createdAfter(1))
                .schedule();

        assertThat(decision.messages().get("huge"))
                .isEqualTo("insufficient gpu capacity: 2 pods need 8 gpu each; 1 node is large enough"
                        + " (node-a: 8 total)");
        assertThat(decision.placements()).containsEntry("w", List.of("node-a"));
    }
}
