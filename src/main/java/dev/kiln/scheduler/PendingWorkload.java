package dev.kiln.scheduler;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * A workload waiting to start, as the scheduler sees it.
 *
 * @param priority 0..2; 2 goes first
 * @param retried a retried run goes before all first runs, so a failure does not send it to the back
 * @param specifiedNodes empty for any node; otherwise pod {@code i} runs on {@code specifiedNodes.get(i)}, so
 *     {@code pods == specifiedNodes.size()}
 * @param distinctNodes each pod on a different node (PyTorchJob: a pod is one node's share of the job)
 * @param holdMessage null when the workload is ready; otherwise why it may not start yet (dependencies, cron
 *     start). A held workload keeps its queue position, gets this message and reserves nothing.
 */
public record PendingWorkload(
        String id,
        String workspaceId,
        int priority,
        Instant creationTime,
        boolean retried,
        int pods,
        Resources perPod,
        Map<String, String> requiredLabels,
        List<String> specifiedNodes,
        boolean tolerateAll,
        boolean distinctNodes,
        String holdMessage) {
    public PendingWorkload {
        requireNonNull(id, "id is null");
        if (id.isBlank()) {
            throw new IllegalArgumentException("workload id is blank");
        }
        requireNonNull(workspaceId, "workspaceId is null");
        if (priority < 0 || priority > 2) {
            throw new IllegalArgumentException("priority " + priority + " is out of range 0–2");
        }
        requireNonNull(creationTime, "creationTime is null");
        if (pods < 1) {
            throw new IllegalArgumentException("pods " + pods + " must be at least 1");
        }
        requireNonNull(perPod, "perPod is null");
        requiredLabels = Map.copyOf(requireNonNull(requiredLabels, "requiredLabels is null"));
        specifiedNodes = List.copyOf(requireNonNull(specifiedNodes, "specifiedNodes is null"));
        if (!specifiedNodes.isEmpty()) {
            if (pods != specifiedNodes.size()) {
                throw new IllegalArgumentException("pods " + pods + " must equal the number of specifiedNodes "
                        + specifiedNodes.size() + " (one pod per listed node)");
            }
            if (new HashSet<>(specifiedNodes).size() != specifiedNodes.size()) {
                throw new IllegalArgumentException("specifiedNodes " + specifiedNodes + " lists a node twice");
            }
        }
    }

    public boolean ready() {
        return holdMessage == null;
    }

    /** What all pods request together. */
    public Resources totalRequest() {
        return perPod.times(pods);
    }
}
