package dev.kiln.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Checks the fast scheduler against a slow one written straight from SPEC §8 — per-pod best fit by scanning every
 * node, no memo, no caches — on many crowded random snapshots. The shortcuts (sorted-buffer best fit, failure
 * frontiers, cached pending results) must not change a single placement.
 */
class ReferenceSchedulerTest {
    @Test
    void placementsMatchAStraightforwardImplementation() {
        Scheduler scheduler = new Scheduler();
        int placed = 0;
        for (long seed = 1; seed <= 150; seed++) {
            Snapshot snapshot = RandomSnapshots.generate(seed, 25, 120);

            Map<String, List<String>> expected = referencePlacements(snapshot);

            assertThat(scheduler.schedule(snapshot).placements()).as("seed %d", seed).isEqualTo(expected);
            placed += expected.size();
        }
        assertThat(placed).isGreaterThan(1000);
    }

    private static Map<String, List<String>> referencePlacements(Snapshot snapshot) {
        List<NodeInfo> nodes = new ArrayList<>(snapshot.nodes());
        nodes.sort(Comparator.comparing(NodeInfo::name));
        Map<String, Resources> available = new HashMap<>();
        for (NodeInfo node : nodes) {
            Resources used = snapshot.allocated().getOrDefault(node.name(), Resources.ZERO);
            // the random snapshots never overcommit a node, so this cannot go negative
            available.put(node.name(), node.capacity().minus(used));
        }
        Map<String, Resources> workspaceUse = new HashMap<>();
        snapshot.workspaces().forEach((id, pool) -> workspaceUse.put(id, pool.inUse()));
        List<PendingWorkload> queue = new ArrayList<>(snapshot.pending());
        queue.sort(Scheduler.QUEUE_ORDER);
        Map<String, List<String>> placements = new LinkedHashMap<>();
        for (PendingWorkload workload : queue) {
            WorkspacePool pool = snapshot.workspaces().get(workload.workspaceId());
            if (!workload.ready() || pool == null) {
                continue;
            }
            List<NodeInfo> eligible = eligible(workload, pool, nodes);
            if (eligible == null || overQuota(pool, workspaceUse.get(pool.id()), workload.totalRequest())) {
                continue;
            }
            Map<String, Resources> capacity = new HashMap<>();
            nodes.forEach(node -> capacity.put(node.name(), node.capacity()));
            List<String> waitFor = bestFit(workload, eligible, capacity);
            if (waitFor == null) {
                continue; // can never fit: holds nothing
            }
            List<String> chosen = bestFit(workload, eligible, available);
            if (chosen != null) {
                for (String node : chosen) {
                    available.put(node, available.get(node).minus(workload.perPod()));
                }
                workspaceUse.merge(pool.id(), workload.totalRequest(), Resources::plus);
                placements.put(workload.id(), chosen);
            } else {
                for (String node : waitFor) {
                    Resources have = available.get(node);
                    Resources held = min(have, workload.perPod());
                    available.put(node, have.minus(held));
                }
            }
        }
        return placements;
    }

    /** Eligible nodes in name order (specified: in listed order), or null when a specified node is not eligible. */
    private static List<NodeInfo> eligible(PendingWorkload workload, WorkspacePool pool, List<NodeInfo> nodes) {
        List<NodeInfo> eligible = new ArrayList<>();
        for (NodeInfo node : nodes) {
            if (pool.nodeNames().contains(node.name())
                    && node.schedulable()
                    && node.hasLabels(workload.requiredLabels())
                    && (!node.tainted() || workload.tolerateAll())) {
                eligible.add(node);
            }
        }
        if (workload.specifiedNodes().isEmpty()) {
            return eligible;
        }
        List<NodeInfo> listed = new ArrayList<>();
        for (String name : workload.specifiedNodes()) {
            NodeInfo node = eligible.stream().filter(n -> n.name().equals(name)).findFirst().orElse(null);
            if (node == null) {
                return null;
            }
            listed.add(node);
        }
        return listed;
    }

    private static boolean overQuota(WorkspacePool pool, Resources inUse, Resources request) {
        Quota quota = pool.quota();
        if (quota == null) {
            return false;
        }
        Resources after = inUse.plus(request);
        return (quota.cpuMillis() != null && after.cpuMillis() > quota.cpuMillis())
                || (quota.gpu() != null && after.gpu() > quota.gpu())
                || (quota.memoryBytes() != null && after.memoryBytes() > quota.memoryBytes());
    }

    /** Per pod in turn: the node left with the least gpu, cpu, memory, then the first name. */
    private static List<String> bestFit(PendingWorkload workload, List<NodeInfo> eligible, Map<String, Resources> view) {
        Map<String, Resources> left = new HashMap<>(view);
        List<String> chosen = new ArrayList<>();
        for (int pod = 0; pod < workload.pods(); pod++) {
            String best = null;
            Resources bestLeft = null;
            List<NodeInfo> candidates = workload.specifiedNodes().isEmpty() ? eligible : List.of(eligible.get(pod));
            for (NodeInfo node : candidates) {
                if ((workload.distinctNodes() && chosen.contains(node.name()))
                        || !workload.perPod().fitsIn(left.get(node.name()))) {
                    continue;
                }
                Resources after = left.get(node.name()).minus(workload.perPod());
                if (best == null || tighter(after, bestLeft)) {
                    best = node.name();
                    bestLeft = after;
                }
            }
            if (best == null) {
                return null;
            }
            chosen.add(best);
            left.put(best, bestLeft);
        }
        return chosen;
    }

    /** Strictly tighter; on a full tie the earlier (smaller-named) node, found first, stays. */
    private static boolean tighter(Resources a, Resources b) {
        if (a.gpu() != b.gpu()) {
            return a.gpu() < b.gpu();
        }
        if (a.cpuMillis() != b.cpuMillis()) {
            return a.cpuMillis() < b.cpuMillis();
        }
        return a.memoryBytes() < b.memoryBytes();
    }

    private static Resources min(Resources a, Resources b) {
        return new Resources(Math.min(a.cpuMillis(), b.cpuMillis()), Math.min(a.gpu(), b.gpu()),
                Math.min(a.memoryBytes(), b.memoryBytes()), Math.min(a.ephemeralBytes(), b.ephemeralBytes()));
    }
}
