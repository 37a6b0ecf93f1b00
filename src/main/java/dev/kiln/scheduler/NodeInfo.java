package dev.kiln.scheduler;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * A node as the scheduler sees it. A taint is a string like {@code key=value:NoSchedule}; a node with any taint
 * takes only workloads that tolerate all taints.
 */
public record NodeInfo(
        String name, Resources capacity, Map<String, String> labels, List<String> taints, boolean schedulable) {
    public NodeInfo {
        requireNonNull(name, "name is null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("node name is blank");
        }
        requireNonNull(capacity, "capacity is null");
        labels = Map.copyOf(requireNonNull(labels, "labels is null"));
        taints = List.copyOf(requireNonNull(taints, "taints is null"));
    }

    public boolean tainted() {
        return !taints.isEmpty();
    }

    public boolean hasLabels(Map<String, String> required) {
        for (Map.Entry<String, String> entry : required.entrySet()) {
            if (!entry.getValue().equals(labels.get(entry.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
