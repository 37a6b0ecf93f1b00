package dev.kiln.workload;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A named pool that workloads are delivered to. {@code nodeNames} null and {@code nodeSelector} empty mean every
 * node; {@code members} empty with {@code everyone} true means every user is a member (the default workspace).
 */
public record Workspace(
        String id, Set<String> nodeNames, Map<String, String> nodeSelector, Quota quota, Set<String> members,
        boolean everyone) {
    public Workspace {
        requireNonNull(id, "id is null");
        nodeNames = nodeNames == null ? null : Set.copyOf(nodeNames);
        nodeSelector = Map.copyOf(nodeSelector);
        members = Set.copyOf(members);
    }

    public boolean contains(Node node) {
        return (nodeNames == null || nodeNames.contains(node.name())) && node.matchesLabels(nodeSelector);
    }

    public List<Node> eligible(List<Node> nodes) {
        return nodes.stream().filter(this::contains).toList();
    }
}
