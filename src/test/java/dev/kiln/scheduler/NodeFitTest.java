package dev.kiln.scheduler;

import static dev.kiln.scheduler.Nodes.node;
import static dev.kiln.scheduler.Snapshots.snapshot;
import static dev.kiln.scheduler.Workloads.pending;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** One workload against a few nodes: where it goes, or the message that says why it does not. */
class NodeFitTest {
    /** Either {@code nodes} (placed there) or {@code message} (pending with exactly that message). */
    record Case(String name, Snapshots snapshot, List<String> nodes, String message) {
        static Case placed(String name, Snapshots snapshot, String... nodes) {
            return new Case(name, snapshot, List.of(nodes), null);
        }

        static Case pendingWith(String name, Snapshots snapshot, String message) {
            return new Case(name, snapshot, null, message);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                Case.placed("fits exactly in what is free",
                        snapshot().node(node("node-a").cpu(8).gpu(8).memoryGi(64).storageGi(100))
                                .allocated("node-a", 4, 4, 32, 50)
                                .pending(pending("w").cpu(4).gpu(4).memoryGi(32).storageGi(50)),
                        "node-a"),
                Case.pendingWith("cpu blocks",
                        snapshot().node(node("node-a").cpu(8)).allocated("node-a", 6.5, 0, 0, 0)
                                .pending(pending("w").cpu(4)),
                        "insufficient cpu: 1 pod needs 4 cpu; 0 nodes fit (node-a: 1.5 free)"),
                Case.pendingWith("gpu blocks",
                        snapshot().node(node("node-a").gpu(8)).allocatedGpu("node-a", 6)
                                .pending(pending("w").gpu(4)),
                        "insufficient gpu: 1 pod needs 4 gpu; 0 nodes fit (node-a: 2 free)"),
                Case.pendingWith("memory blocks",
                        snapshot().node(node("node-a").memoryGi(64)).allocated("node-a", 0, 0, 60, 0)
                                .pending(pending("w").memoryGi(8)),
                        "insufficient memory: 1 pod needs 8Gi memory; 0 nodes fit (node-a: 4Gi free)"),
                Case.pendingWith("ephemeral storage blocks",
                        snapshot().node(node("node-a").storageGi(100)).allocated("node-a", 0, 0, 0, 90)
                                .pending(pending("w").storageGi(20.5)),
                        "insufficient ephemeral-storage: 1 pod needs 20.5Gi ephemeral-storage; 0 nodes fit"
                                + " (node-a: 10Gi free)"),
                Case.pendingWith("larger than any node, even empty",
                        snapshot().nodes(node("node-a").gpu(8), node("node-b").gpu(4))
                                .pending(pending("w").gpu(16)),
                        "insufficient gpu capacity: 1 pod needs 16 gpu; 0 nodes are large enough"
                                + " (node-a: 8 total, node-b: 4 total)"),
                Case.placed("labels match",
                        snapshot().nodes(node("node-a").label("zone", "b"), node("node-b").label("zone", "a"))
                                .pending(pending("w").label("zone", "a")),
                        "node-b"),
                Case.pendingWith("no node matches labels",
                        snapshot().nodes(node("node-a").label("zone", "b"), node("node-b"), node("node-c"))
                                .pending(pending("w").label("zone", "a")),
                        "no eligible node: 0 of 3 nodes match labels {zone=a}"),
                Case.placed("a tainted node is skipped without tolerateAll",
                        snapshot().nodes(node("node-a").gpu(2).taint("gpu=true:NoSchedule"), node("node-b"))
                                .pending(pending("w").gpu(2)),
                        "node-b"),
                Case.pendingWith("only tainted nodes without tolerateAll",
                        snapshot().node(node("node-a").taint("gpu=true:NoSchedule")).pending(pending("w")),
                        "no eligible node: 0 of 1 nodes are untainted (node-a: gpu=true:NoSchedule)"
                                + " and tolerateAll is not set"),
                Case.placed("tolerateAll takes a tainted node",
                        snapshot().nodes(node("node-a").gpu(2).taint("gpu=true:NoSchedule"), node("node-b"))
                                .pending(pending("w").gpu(2).tolerateAll()),
                        "node-a"),
                Case.pendingWith("unschedulable nodes",
                        snapshot().node(node("node-a").unschedulable()).pending(pending("w")),
                        "no eligible node: 0 of 1 nodes in workspace default are schedulable"),
                Case.placed("specified nodes, in listed order",
                        snapshot().nodes(node("node-a"), node("node-b"), node("node-c").gpu(1))
                                .pending(pending("w").gpu(1).on("node-c", "node-a")),
                        "node-c", "node-a"),
                Case.pendingWith("a specified node that does not exist",
                        snapshot().nodes(node("node-a")).pending(pending("w").on("node-a", "node-x")),
                        "no eligible node: specified node node-x does not exist"),
                Case.pendingWith("a specified node without room",
                        snapshot().nodes(node("node-a"), node("node-b")).allocatedGpu("node-b", 8)
                                .pending(pending("w").gpu(1).on("node-a", "node-b")),
                        "insufficient gpu: 2 pods need 1 gpu each; 1 node fits (node-a: 8 free, node-b: 0 free)"),
                Case.placed("only nodes of the workspace's pool",
                        snapshot().nodes(node("node-a").gpu(1), node("node-b"))
                                .workspace("team-a", "node-b")
                                .pending(pending("w").gpu(1).workspace("team-a")),
                        "node-b"),
                Case.pendingWith("a workspace without nodes",
                        snapshot().nodes(node("node-a"), node("node-b"))
                                .workspace("default", "node-a", "node-b")
                                .workspace("team-a")
                                .pending(pending("w").workspace("team-a")),
                        "no eligible node: 0 of 2 nodes are in workspace team-a"),
                Case.pendingWith("a specified node outside the workspace",
                        snapshot().nodes(node("node-a"), node("node-b"))
                                .workspace("team-a", "node-a")
                                .pending(pending("w").workspace("team-a").on("node-b")),
                        "no eligible node: specified node node-b is not in workspace team-a"),
                Case.pendingWith("an unknown workspace",
                        snapshot().nodes(node("node-a")).pending(pending("w").workspace("nope")),
                        "no eligible node: workspace nope does not exist"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void fit(Case c) {
        Decision decision = c.snapshot().schedule();

        if (c.nodes() != null) {
            assertThat(decision.placements()).containsEntry("w", c.nodes());
            assertThat(decision.messages()).doesNotContainKey("w");
        } else {
            assertThat(decision.placements()).doesNotContainKey("w");
            assertThat(decision.messages()).containsEntry("w", c.message());
        }
        assertThat(decision.schedulerOrder()).containsEntry("w", 1);
    }
}
