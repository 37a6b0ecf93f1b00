package dev.kiln.service;

import static java.util.Objects.requireNonNull;

import dev.kiln.store.WorkloadStore;
import dev.kiln.workload.ClusterView;
import dev.kiln.workload.Node;
import dev.kiln.workload.Workspace;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The installation's nodes and workspaces (from configuration) and the store-backed checks validation needs. */
public final class Cluster implements ClusterView {
    private final String id;
    private final ZoneId timeZone;
    private final boolean requiresImage;
    private final Map<String, Workspace> workspaces;
    private final WorkloadStore store;
    private final List<Node> nodes;

    public Cluster(
            String id, ZoneId timeZone, boolean requiresImage, List<Node> nodes, List<Workspace> workspaces,
            WorkloadStore store) {
        this.id = requireNonNull(id, "id is null");
        this.timeZone = requireNonNull(timeZone, "timeZone is null");
        this.requiresImage = requiresImage;
        this.nodes = List.copyOf(nodes);
        Map<String, Workspace> byId = new LinkedHashMap<>();
        workspaces.forEach(w -> byId.put(w.id(), w));
        this.workspaces = Map.copyOf(byId);
        this.store = requireNonNull(store, "store is null");
    }

    public String id() {
        return id;
    }

    @Override
    public Optional<Workspace> workspace(String workspaceId) {
        return Optional.ofNullable(workspaces.get(workspaceId));
    }

    public List<Workspace> workspaces() {
        return workspaces.values().stream().sorted(java.util.Comparator.comparing(Workspace::id)).toList();
    }

    @Override
    public List<Node> nodes() {
        return nodes;
    }

    @Override
    public boolean workloadExists(String workloadId) {
        return store.exists(workloadId);
    }

    @Override
    public boolean nodePortInUse(int port, String exceptWorkloadId) {
        return store.nodePortInUse(port, exceptWorkloadId);
    }

    @Override
    public ZoneId timeZone() {
        return timeZone;
    }

    @Override
    public boolean requiresImage() {
        return requiresImage;
    }
}
