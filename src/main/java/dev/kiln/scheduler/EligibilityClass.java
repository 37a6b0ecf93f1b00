package dev.kiln.scheduler;

import java.util.List;
import java.util.Map;

/**
 * Workloads that may use exactly the same nodes: same workspace, required labels, taint tolerance and specified
 * nodes. Eligibility is worked out once per class, and what has failed in a class is remembered for the whole pass.
 */
final class EligibilityClass {
    /** What makes two workloads share a class. */
    record Key(String workspaceId, Map<String, String> labels, boolean tolerateAll, List<String> specifiedNodes) {}

    final int id;
    /** Eligible node numbers in name order, or the specified nodes in their listed order. */
    final int[] nodes;
    /** Pods go on the specified nodes in listed order, not by best fit. */
    final boolean listedOrder;
    /** Why no node is eligible, or null when some is. */
    final String noEligibleNode;

    final FailureFrontier availableFailures = new FailureFrontier();
    final FailureFrontier freeFailures = new FailureFrontier();
    /** Bumped when a pod is placed on one of this class's nodes (its free capacity changed). */
    int placeVersion;
    /** Bumped when a blocked workload holds something on one of this class's nodes. */
    int holdVersion;

    EligibilityClass(int id, int[] nodes, boolean listedOrder, String noEligibleNode) {
        this.id = id;
        this.nodes = nodes;
        this.listedOrder = listedOrder;
        this.noEligibleNode = noEligibleNode;
    }
}
