package dev.kiln.scheduler;

import static dev.kiln.scheduler.Nodes.node;
import static dev.kiln.scheduler.Snapshots.snapshot;
import static dev.kiln.scheduler.Workloads.pending;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HoldTest {
    @Test
    void aHeldWorkloadKeepsItsPlaceTakesItsMessageAndReservesNothing() {
        Decision decision = snapshot()
                .nodes(node("node-a"))
                .pending(
                        pending("cron").gpu(8).priority(2).held("waiting for scheduled start at 2026-12-01T03:00:00"),
                        pending("after").gpu(8).priority(2).createdAfter(1).held("waiting for dependencies: "
                                + "train-x2k9q is Running"),
                        pending("ready").gpu(8).priority(0))
                .schedule();

        assertThat(decision.placements()).containsOnlyKeys("ready").containsEntry("ready", List.of("node-a"));
        assertThat(decision.messages())
                .containsEntry("cron", "waiting for scheduled start at 2026-12-01T03:00:00")
                .containsEntry("after", "waiting for dependencies: train-x2k9q is Running")
                .hasSize(2);
        assertThat(decision.schedulerOrder())
                .containsEntry("cron", 1)
                .containsEntry("after", 2)
                .containsEntry("ready", 3);
    }
}
