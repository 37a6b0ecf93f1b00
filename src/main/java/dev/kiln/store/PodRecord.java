package dev.kiln.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A pod as the database keeps it: where it was placed, what it holds there (its request and GPU indices, which is
 * what node accounting sums), and its last observed state.
 */
public record PodRecord(
        String workloadId,
        int dispatch,
        String podId,
        int ordinal,
        String node,
        String rank,
        String container,
        String phase,
        long cpuMillis,
        long gpu,
        long memoryBytes,
        long ephemeralBytes,
        String gpuIndices,
        Instant startTime,
        Instant endTime,
        Integer exitCode,
        String reason,
        String message,
        int restartCount,
        boolean released) {

    /** Phases as Kubernetes names them. Pending: row written, process not yet confirmed. */
    public static final String PENDING = "Pending";
    public static final String RUNNING = "Running";
    public static final String SUCCEEDED = "Succeeded";
    public static final String FAILED = "Failed";

    public PodRecord {
        requireNonNull(workloadId, "workloadId is null");
        requireNonNull(podId, "podId is null");
        requireNonNull(node, "node is null");
        requireNonNull(phase, "phase is null");
        reason = reason == null ? "" : reason;
        message = message == null ? "" : message;
    }

    public boolean isLive() {
        return phase.equals(PENDING) || phase.equals(RUNNING);
    }

    public PodRecord running(Instant start) {
        return new PodRecord(workloadId, dispatch, podId, ordinal, node, rank, container, RUNNING, cpuMillis, gpu,
                memoryBytes, ephemeralBytes, gpuIndices, start, null, null, "", "", restartCount, released);
    }

    public PodRecord ended(Instant end, int code, String why, String text) {
        return new PodRecord(workloadId, dispatch, podId, ordinal, node, rank, container, code == 0 ? SUCCEEDED : FAILED,
                cpuMillis, gpu, memoryBytes, ephemeralBytes, gpuIndices, startTime, end, code, why, text, restartCount,
                released);
    }

    public PodRecord restarted(Instant start) {
        return new PodRecord(workloadId, dispatch, podId, ordinal, node, rank, container, RUNNING, cpuMillis, gpu,
                memoryBytes, ephemeralBytes, gpuIndices, start, null, exitCode, reason, message, restartCount + 1,
                released);
    }

    public PodRecord asReleased() {
        return new PodRecord(workloadId, dispatch, podId, ordinal, node, rank, container, phase, cpuMillis, gpu,
                memoryBytes, ephemeralBytes, gpuIndices, startTime, endTime, exitCode, reason, message, restartCount,
                true);
    }
}
