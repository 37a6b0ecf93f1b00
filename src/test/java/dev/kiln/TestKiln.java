package dev.kiln;

import dev.kiln.server.KilnConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The configuration API tests run against: three virtual nodes (16 cpu, 8 gpu, 64Gi, 500Gi each; node-c tainted)
 * and two workspaces: {@code default} (all nodes) and {@code team-a} (node-a and node-b, quota 16 gpu), both with a
 * one-millicore cpu quota that keeps every workload Pending.
 */
public final class TestKiln {
    private TestKiln() {}

    public static KilnConfig config(Path dataDir) {
        return config(dataDir, "1m");
    }

    /** The same nodes and workspaces without the holding quota: workloads run (for shell and SSH tests). */
    public static KilnConfig runningConfig(Path dataDir) {
        return config(dataDir, null);
    }

    private static KilnConfig config(Path dataDir, String cpuQuota) {
        List<KilnConfig.NodeConfig> nodes = List.of(
                new KilnConfig.NodeConfig("node-a", "16", "8", "64Gi", "500Gi", Map.of("zone", "a", "gpu-type", "h100"), List.of()),
                new KilnConfig.NodeConfig("node-b", "16", "8", "64Gi", "500Gi", Map.of("zone", "b", "gpu-type", "h100"), List.of()),
                new KilnConfig.NodeConfig("node-c", "16", "8", "64Gi", "500Gi", Map.of("zone", "c"),
                        List.of("maintenance=true:NoSchedule")));
        // cpu quotas of one millicore keep every workload Pending: these tests look at the API and the store, not at
        // pods (the lifecycle and e2e tests run those)
        List<KilnConfig.WorkspaceConfig> workspaces = List.of(
                new KilnConfig.WorkspaceConfig("default", null, null, new KilnConfig.QuotaConfig(cpuQuota, null, null), null),
                new KilnConfig.WorkspaceConfig("team-a", List.of("node-a", "node-b"), null,
                        new KilnConfig.QuotaConfig(cpuQuota, "16", null), null));
        return new KilnConfig(null, null, null, null, null, nodes, workspaces, null)
                .withOverrides(0, "127.0.0.1", dataDir.toString());
    }
}
