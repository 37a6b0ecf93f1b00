package dev.kiln.scheduler;

import static dev.kiln.scheduler.Nodes.node;
import static dev.kiln.scheduler.Snapshots.snapshot;
import static dev.kiln.scheduler.Workloads.pending;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QueueOrderTest {
    @Test
    void retriedFirstThenPriorityThenAgeThenId() {
        List<PendingWorkload> expected = List.of(
                pending("retried-low").retried().priority(0).createdAfter(50).build(),
                pending("high-old").priority(2).createdAfter(1).build(),
                pending("high-new-a").priority(2).createdAfter(2).build(),
                pending("high-new-b").priority(2).createdAfter(2).build(),
                pending("normal").priority(1).createdAfter(0).build(),
                pending("low").priority(0).createdAfter(0).build());
        List<PendingWorkload> shuffled = new ArrayList<>(expected);
        Collections.shuffle(shuffled, new Random(7));

        shuffled.sort(Scheduler.QUEUE_ORDER);

        assertThat(shuffled).containsExactlyElementsOf(expected);
    }

    @Test
    void schedulerOrderIsThePositionWithinTheWorkspace() {
        Decision decision = snapshot()
                .nodes(node("node-a"))
                .workspace("team-a", "node-a")
                .workspace("team-b", "node-a")
                .pending(
                        pending("a-low").workspace("team-a").priority(0),
                        pending("b-high").workspace("team-b").priority(2),
                        pending("a-high").workspace("team-a").priority(2),
                        pending("b-retried").workspace("team-b").priority(0).retried(),
                        pending("a-held").workspace("team-a").priority(1).held("waiting for dependencies"))
                .schedule();

        assertThat(decision.schedulerOrder())
                .containsEntry("a-high", 1)
                .containsEntry("a-held", 2)
                .containsEntry("a-low", 3)
                .containsEntry("b-retried", 1)
                .containsEntry("b-high", 2)
                .hasSize(5);
    }

    @Test
    void theQueueDecidesWhoGetsScarceCapacity() {
        Decision decision = snapshot()
                .nodes(node("node-a"))
                .pending(
                        pending("old").gpu(8).createdAfter(0),
                        pending("urgent").gpu(8).priority(2).createdAfter(10),
                        pending("retry").gpu(8).retried().priority(0).createdAfter(20))
                .schedule();

        assertThat(decision.placements()).containsOnlyKeys("retry");
        assertThat(decision.messages().get("urgent"))
                .isEqualTo("insufficient gpu: 1 pod needs 8 gpu; 0 nodes fit (node-a: 0 free)");
    }
}
