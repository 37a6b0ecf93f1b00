package dev.kiln.workload;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/** A machine pods are placed on, with its capacity in scheduler units. */
public record Node(
        String name,
        long cpuMillis,
        long gpu,
        long memoryBytes,
        long ephemeralBytes,
        Map<String, String> labels,
        List<String> taints) {
    public Node {
        requireNonNull(name, "name is null");
        labels = Map.copyOf(labels);
        taints = List.copyOf(taints);
    }

    public boolean matchesLabels(Map<String, String> required) {
        return required.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }
}
