package dev.kiln.scheduler;

import static dev.kiln.scheduler.Nodes.node;
import static dev.kiln.scheduler.Snapshots.snapshot;
import static dev.kiln.scheduler.Workloads.job;
import static dev.kiln.scheduler.Workloads.pending;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class QuotaTest {
    @Test
    void aWorkloadOverQuotaWaitsWithNumbers() {
        Decision decision = snapshot()
                .nodes(node("node-a"), node("node-b"))
                .workspace("team-a", new Quota(null, 64L, null), new Resources(0, 56, 0, 0), "node-a", "node-b")
                .pending(job("train").workspace("team-a").pods(2).gpu(8))
                .schedule();

        assertThat(decision.placements()).isEmpty();
        assertThat(decision.messages()).containsEntry("train", "workspace quota: gpu 56 of 64 in use, needs 16 more");
    }

    @Test
    void workloadsStartedEarlierInThePassCount() {
        Decision decision = snapshot()
                .nodes(node("node-a"), node("node-b"), node("node-c"))
                .workspace("team-a", new Quota(null, 16L, null), Resources.ZERO, "node-a", "node-b", "node-c")
                .pending(
                        pending("one").workspace("team-a").gpu(8).createdAfter(0),
                        pending("two").workspace("team-a").gpu(8).createdAfter(1),
                        pending("three").workspace("team-a").gpu(8).createdAfter(2))
                .schedule();

        assertThat(decision.placements()).containsOnlyKeys("one", "two");
        assertThat(decision.messages()).containsEntry("three", "workspace quota: gpu 16 of 16 in use, needs 8 more");
    }

    @Test
    void cpuAndMemoryQuotasAreFormattedForPeople() {
        Decision decision = snapshot()
                .nodes(node("node-a"))
                .workspace("cpu", new Quota(4_000L, null, null), new Resources(2_500, 0, 0, 0), "node-a")
                .workspace("mem", new Quota(null, null, 8 * Nodes.GIB), Resources.ZERO, "node-a")
                .pending(
                        pending("c").workspace("cpu").cpu(2),
                        pending("m").workspace("mem").memoryGi(8.5))
                .schedule();

        assertThat(decision.messages())
                .containsEntry("c", "workspace quota: cpu 2.5 of 4 in use, needs 2 more")
                .containsEntry("m", "workspace quota: memory 0Gi of 8Gi in use, needs 8.5Gi more");
    }

    @Test
    void aWorkloadOverQuotaReservesNothing() {
        Decision decision = snapshot()
                .nodes(node("node-a"))
                .allocatedGpu("node-a", 4)
                .workspace("team-a", new Quota(null, 0L, null), Resources.ZERO, "node-a")
                .workspace("team-b", "node-a")
                .pending(
                        pending("capped").workspace("team-a").gpu(8).priority(2),
                        pending("other").workspace("team-b").gpu(4).priority(0))
                .schedule();

        assertThat(decision.placements()).containsEntry("other", List.of("node-a"));
    }
}
