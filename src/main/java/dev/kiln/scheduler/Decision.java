package dev.kiln.scheduler;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one pass. The maps keep the order they were given in; {@link Scheduler} gives them in queue
 * order, so the same snapshot gives an equal Decision that also iterates (and prints) the same way.
 *
 * @param placements workload id → node name of pod {@code i} (its rank); only workloads to start now
 * @param messages workload id → why it is still pending; every pending workload that was not placed
 * @param schedulerOrder workload id → 1-based position among its workspace's pending workloads; every one
 */
public record Decision(
        Map<String, List<String>> placements, Map<String, String> messages, Map<String, Integer> schedulerOrder) {
    public Decision {
        placements = copyInOrder(requireNonNull(placements, "placements is null"));
        placements.replaceAll((id, nodes) -> List.copyOf(nodes));
        messages = copyInOrder(requireNonNull(messages, "messages is null"));
        schedulerOrder = copyInOrder(requireNonNull(schedulerOrder, "schedulerOrder is null"));
        placements = Collections.unmodifiableMap(placements);
        messages = Collections.unmodifiableMap(messages);
        schedulerOrder = Collections.unmodifiableMap(schedulerOrder);
    }

    private static <V> Map<String, V> copyInOrder(Map<String, V> map) {
        Map<String, V> copy = new LinkedHashMap<>(map);
        copy.forEach((key, value) -> {
            requireNonNull(key, "key is null");
            requireNonNull(value, "value for " + key + " is null");
        });
        return copy;
    }
}
