package dev.kiln.scheduler;

import static java.util.Objects.requireNonNull;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything one scheduling pass looks at.
 *
 * @param allocated node name → what running pods use there; a node that is missing has nothing allocated
 * @param workspaces workspace id → its pool
 */
public record Snapshot(
        List<NodeInfo> nodes,
        Map<String, Resources> allocated,
        Map<String, WorkspacePool> workspaces,
        List<PendingWorkload> pending) {
    public Snapshot {
        nodes = List.copyOf(requireNonNull(nodes, "nodes is null"));
        allocated = Map.copyOf(requireNonNull(allocated, "allocated is null"));
        workspaces = Map.copyOf(requireNonNull(workspaces, "workspaces is null"));
        pending = List.copyOf(requireNonNull(pending, "pending is null"));
        requireUnique("node", nodes.stream().map(NodeInfo::name).toList());
        requireUnique("pending workload", pending.stream().map(PendingWorkload::id).toList());
        workspaces.forEach((id, pool) -> {
            if (!id.equals(pool.id())) {
                throw new IllegalArgumentException("workspace key " + id + " holds pool " + pool.id());
            }
        });
    }

    private static void requireUnique(String what, List<String> names) {
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            if (!seen.add(name)) {
                throw new IllegalArgumentException(what + " " + name + " appears twice in the snapshot");
            }
        }
    }
}
