package dev.kiln.scheduler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Test-data builder for a snapshot. Without explicit workspaces there is one, {@code default}, holding every node
 * with no quota.
 */
final class Snapshots {
    private final List<NodeInfo> nodes = new ArrayList<>();
    private final Map<String, Resources> allocated = new LinkedHashMap<>();
    private final Map<String, WorkspacePool> workspaces = new LinkedHashMap<>();
    private final List<PendingWorkload> pending = new ArrayList<>();

    static Snapshots snapshot() {
        return new Snapshots();
    }

    Snapshots node(Nodes node) {
        nodes.add(node.build());
        return this;
    }

    Snapshots nodes(Nodes... nodes) {
        for (Nodes node : nodes) {
            node(node);
        }
        return this;
    }

    /** Running pods on the node use this much. */
    Snapshots allocated(String node, double cores, long gpu, long memoryGi, long storageGi) {
        allocated.put(node, new Resources(Math.round(cores * 1000), gpu, memoryGi * Nodes.GIB, storageGi * Nodes.GIB));
        return this;
    }

    Snapshots allocatedGpu(String node, long gpu) {
        return allocated(node, 0, gpu, 0, 0);
    }

    Snapshots workspace(String id, Quota quota, Resources inUse, String... nodeNames) {
        workspaces.put(id, new WorkspacePool(id, Set.of(nodeNames), quota, inUse));
        return this;
    }

    Snapshots workspace(String id, String... nodeNames) {
        return workspace(id, null, Resources.ZERO, nodeNames);
    }

    Snapshots pending(Workloads... workloads) {
        for (Workloads workload : workloads) {
            pending.add(workload.build());
        }
        return this;
    }

    Snapshot build() {
        Map<String, WorkspacePool> pools = new LinkedHashMap<>(workspaces);
        if (pools.isEmpty()) {
            Set<String> all = nodes.stream().map(NodeInfo::name).collect(Collectors.toSet());
            pools.put("default", new WorkspacePool("default", all, null, Resources.ZERO));
        }
        return new Snapshot(nodes, allocated, pools, pending);
    }

    Decision schedule() {
        return new Scheduler().schedule(build());
    }
}
