package dev.kiln.scheduler;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/** Varied, crowded snapshots from a seed: heterogeneous nodes, pools, labels, taints, quotas and gangs. */
final class RandomSnapshots {
    private static final long GIB = Nodes.GIB;

    private RandomSnapshots() {}

    static Snapshot generate(long seed, int nodeCount, int workloadCount) {
        Random random = new Random(seed);
        List<NodeInfo> nodes = new ArrayList<>();
        Map<String, Resources> allocated = new HashMap<>();
        for (int i = 0; i < nodeCount; i++) {
            String name = "node-" + i;
            long gpu = random.nextBoolean() ? 8 : 4;
            long cpu = (random.nextBoolean() ? 64 : 32) * 1000L;
            long memory = (random.nextBoolean() ? 512 : 256) * GIB;
            long storage = 500 * GIB;
            Map<String, String> labels = Map.of("zone", random.nextBoolean() ? "a" : "b");
            List<String> taints = random.nextInt(8) == 0 ? List.of("dedicated=infra:NoSchedule") : List.of();
            nodes.add(new NodeInfo(name, new Resources(cpu, gpu, memory, storage), labels, taints,
                    random.nextInt(15) != 0));
            if (random.nextBoolean()) {
                allocated.put(name, new Resources(random.nextLong(cpu + 1), random.nextLong(gpu + 1),
                        random.nextLong(memory + 1), random.nextLong(storage + 1)));
            }
        }
        Set<String> poolA = new HashSet<>();
        Set<String> poolB = new HashSet<>();
        for (int i = 0; i < nodeCount; i++) {
            if (i < nodeCount * 2 / 3) {
                poolA.add("node-" + i);
            }
            if (i >= nodeCount / 3) {
                poolB.add("node-" + i);
            }
        }
        Map<String, WorkspacePool> workspaces = new LinkedHashMap<>();
        workspaces.put("team-a", new WorkspacePool("team-a", poolA, null, Resources.ZERO));
        workspaces.put("team-b", new WorkspacePool("team-b", poolB,
                new Quota(400_000L, 40L, null), new Resources(50_000, 8, 0, 0)));
        List<PendingWorkload> pending = new ArrayList<>();
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < workloadCount; i++) {
            int pods = 1 + random.nextInt(random.nextInt(4) == 0 ? 8 : 3);
            List<String> specified = new ArrayList<>();
            if (random.nextInt(12) == 0) {
                pods = 1 + random.nextInt(2);
                while (specified.size() < pods) {
                    String node = "node-" + random.nextInt(nodeCount);
                    if (!specified.contains(node)) {
                        specified.add(node);
                    }
                }
            }
            long gpu = random.nextInt(4) == 0 ? 0 : 1L << random.nextInt(4);
            Resources perPod = new Resources(500L * (1 + random.nextInt(16)), gpu, GIB * (1 + random.nextInt(64)),
                    random.nextBoolean() ? 0 : GIB * random.nextInt(100));
            Map<String, String> labels = random.nextInt(4) == 0 ? Map.of("zone", "a") : Map.of();
            pending.add(new PendingWorkload("w-" + i, random.nextBoolean() ? "team-a" : "team-b",
                    random.nextInt(3), t0.plusSeconds(random.nextInt(workloadCount / 2 + 1)), random.nextInt(10) == 0,
                    pods, perPod, labels, specified, random.nextInt(10) == 0, random.nextBoolean(),
                    random.nextInt(20) == 0 ? "waiting for dependencies" : null));
        }
        return new Snapshot(nodes, allocated, workspaces, pending);
    }
}
