package dev.kiln.scheduler;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Test-data builder: {@code Workloads.pending("a").gpu(8).pods(4).build()}; defaults to one small ready pod. */
final class Workloads {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final String id;
    private String workspaceId = "default";
    private int priority = 1;
    private Instant creationTime = T0;
    private boolean retried;
    private int pods = 1;
    private long cpuMillis = 1000;
    private long gpu;
    private long memoryBytes = Nodes.GIB;
    private long ephemeralBytes;
    private final Map<String, String> requiredLabels = new HashMap<>();
    private final List<String> specifiedNodes = new ArrayList<>();
    private boolean tolerateAll;
    private boolean distinctNodes;
    private String holdMessage;

    private Workloads(String id) {
        this.id = id;
    }

    static Workloads pending(String id) {
        return new Workloads(id);
    }

    /** A PyTorchJob: its pods go on distinct nodes. */
    static Workloads job(String id) {
        return new Workloads(id).distinctNodes();
    }

    Workloads workspace(String workspaceId) {
        this.workspaceId = workspaceId;
        return this;
    }

    Workloads priority(int priority) {
        this.priority = priority;
        return this;
    }

    Workloads createdAt(Instant creationTime) {
        this.creationTime = creationTime;
        return this;
    }

    /** Created this many seconds after {@link #T0}. */
    Workloads createdAfter(long seconds) {
        return createdAt(T0.plusSeconds(seconds));
    }

    Workloads retried() {
        this.retried = true;
        return this;
    }

    Workloads pods(int pods) {
        this.pods = pods;
        return this;
    }

    Workloads cpu(double cores) {
        this.cpuMillis = Math.round(cores * 1000);
        return this;
    }

    Workloads gpu(long gpu) {
        this.gpu = gpu;
        return this;
    }

    Workloads memoryGi(double gi) {
        this.memoryBytes = Math.round(gi * Nodes.GIB);
        return this;
    }

    Workloads storageGi(double gi) {
        this.ephemeralBytes = Math.round(gi * Nodes.GIB);
        return this;
    }

    Workloads label(String key, String value) {
        requiredLabels.put(key, value);
        return this;
    }

    Workloads on(String... nodes) {
        specifiedNodes.addAll(List.of(nodes));
        pods = specifiedNodes.size();
        return this;
    }

    Workloads tolerateAll() {
        this.tolerateAll = true;
        return this;
    }

    Workloads distinctNodes() {
        this.distinctNodes = true;
        return this;
    }

    Workloads held(String holdMessage) {
        this.holdMessage = holdMessage;
        return this;
    }

    PendingWorkload build() {
        return new PendingWorkload(id, workspaceId, priority, creationTime, retried, pods,
                new Resources(cpuMillis, gpu, memoryBytes, ephemeralBytes), requiredLabels, specifiedNodes,
                tolerateAll, distinctNodes, holdMessage);
    }
}
