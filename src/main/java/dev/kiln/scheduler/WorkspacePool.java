package dev.kiln.scheduler;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/**
 * A workspace as the scheduler sees it.
 *
 * @param nodeNames the nodes this workspace's workloads may use
 * @param quota null for no quota
 * @param inUse the sum of the requests of this workspace's active workloads
 */
public record WorkspacePool(String id, Set<String> nodeNames, Quota quota, Resources inUse) {
    public WorkspacePool {
        requireNonNull(id, "id is null");
        nodeNames = Set.copyOf(requireNonNull(nodeNames, "nodeNames is null"));
        requireNonNull(inUse, "inUse is null");
    }
}
