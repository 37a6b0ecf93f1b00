package dev.kiln.api;

import dev.kiln.service.Cluster;
import dev.kiln.workload.Quantities;
import dev.kiln.workload.Workspace;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Read-only views of the configured workspaces and nodes. */
final class ClusterRoutes {
    private final Cluster cluster;

    ClusterRoutes(Cluster cluster) {
        this.cluster = cluster;
    }

    List<Route> routes() {
        return List.of(
                new Route(HandlerType.GET, "/api/v1/workspaces", "List workspaces", null, Views.WorkspacesResponse.class, List.of(), this::workspaces),
                new Route(HandlerType.GET, "/api/v1/nodes", "List nodes and their capacity", null, Views.NodesResponse.class, List.of(), this::nodes));
    }

    private void workspaces(Context ctx) {
        var nodes = cluster.nodes();
        Http.json(ctx, new Views.WorkspacesResponse(cluster.workspaces().stream()
                .map(w -> new Views.WorkspaceView(w.id(), w.eligible(nodes).stream().map(n -> n.name()).toList(),
                        w.nodeSelector(), quota(w), w.members().stream().sorted().toList()))
                .toList()));
    }

    private static Map<String, String> quota(Workspace w) {
        Map<String, String> q = new LinkedHashMap<>();
        if (w.quota() != null) {
            if (w.quota().cpuMillis() != null) q.put("cpu", Quantities.formatCpu(w.quota().cpuMillis()));
            if (w.quota().gpu() != null) q.put("gpu", Long.toString(w.quota().gpu()));
            if (w.quota().memoryBytes() != null) q.put("memory", Quantities.formatBytes(w.quota().memoryBytes()));
        }
        return q;
    }

    private void nodes(Context ctx) {
        Http.json(ctx, new Views.NodesResponse(cluster.nodes().stream()
                .map(n -> new Views.NodeView(n.name(), Quantities.formatCpu(n.cpuMillis()), Long.toString(n.gpu()),
                        Quantities.formatBytes(n.memoryBytes()), Quantities.formatBytes(n.ephemeralBytes()), n.labels(),
                        n.taints()))
                .toList()));
    }
}
