package dev.kiln.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A pod as the database keeps it: where it was placed, what it holds there (its request and GPU indices, which is
 * what node accounting sums), and its last observed state.
 *
 * <p>Pods of Deployments, StatefulSets and Authoring workloads are restarted when they exit (restart policy Always):
 * between an exit and the restart the pod is {@link #WAITING}, still holding its node resources, with the time of
 * the restart in {@code restartAt} and the last exit kept in {@code exitCode}, {@code reason} and {@code message}.
 *
 * @param port the host port the pod was given ({@code PORT}); 0 when none
 * @param template the pod template (image, entrypoint, env, resources) it runs, as {@code PodTemplate} hashes it
 * @param restartAt when a waiting pod is to be started again; null when it is not waiting for a time
 * @param crashStreak exits since the pod last ran 10 minutes without one: the back-off exponent
 * @param retired the pod is no longer wanted (scaled down, replaced by a rollout): stop it, never restart it
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
        boolean released,
        int port,
        String template,
        Instant restartAt,
        int crashStreak,
        boolean retired) {

    /** Phases as Kubernetes names them. Pending: row written, process not yet confirmed. */
    public static final String PENDING = "Pending";
    public static final String RUNNING = "Running";
    public static final String SUCCEEDED = "Succeeded";
    public static final String FAILED = "Failed";
    /** Restart policy Always: no process now, one will be started (after a back-off, or after its predecessor). */
    public static final String WAITING = "Waiting";

    public PodRecord {
        requireNonNull(workloadId, "workloadId is null");
        requireNonNull(podId, "podId is null");
        requireNonNull(node, "node is null");
        requireNonNull(phase, "phase is null");
        reason = reason == null ? "" : reason;
        message = message == null ? "" : message;
        template = template == null ? "" : template;
    }

    /** The pre-services shape: no port, template, restart or retirement. */
    public PodRecord(String workloadId, int dispatch, String podId, int ordinal, String node, String rank,
            String container, String phase, long cpuMillis, long gpu, long memoryBytes, long ephemeralBytes,
            String gpuIndices, Instant startTime, Instant endTime, Integer exitCode, String reason, String message,
            int restartCount, boolean released) {
        this(workloadId, dispatch, podId, ordinal, node, rank, container, phase, cpuMillis, gpu, memoryBytes,
                ephemeralBytes, gpuIndices, startTime, endTime, exitCode, reason, message, restartCount, released, 0,
                "", null, 0, false);
    }

    /** Holds node resources: written, running, or waiting to be restarted. */
    public boolean isLive() {
        return phase.equals(PENDING) || phase.equals(RUNNING) || phase.equals(WAITING);
    }

    /** A process was started for it (or is being started) and has not been seen to end. */
    public boolean hasProcess() {
        return phase.equals(PENDING) || phase.equals(RUNNING);
    }

    public PodRecord running(Instant start) {
        return new PodRecord(workloadId, dispatch, podId, ordinal, node, rank, container, RUNNING, cpuMillis, gpu,
                memoryBytes, ephemeralBytes, gpuIndices, start, null, restartCount > 0 ? exitCode : null,
                restartCount > 0 ? reason : "", restartCount > 0 ? message : "", restartCount, released, port,
                template, null, crashStreak, retired);
    }

    public PodRecord ended(Instant end, int code, String why, String text) {
        return new PodRecord(workloadId, dispatch, podId, ordinal, node, rank, container, code == 0 ? SUCCEEDED : FAILED,
                cpuMillis, gpu, memoryBytes, ephemeralBytes, gpuIndices, startTime, end, code, why, text, restartCount,
                released, port, template, null, crashStreak, retired);
    }

    /** Exited and to be started again at {@code at}; the exit is kept as the container's last termination. */
    public PodRecord waiting(Instant end, Integer code, String why, String text, Instant at, int streak) {
        return new PodRecord(workloadId, dispatch, podId, ordinal, node, rank, container, WAITING, cpuMillis, gpu,
                memoryBytes, ephemeralBytes, gpuIndices, startTime, end, code, why, text, restartCount, released, port,
                template, at, streak, retired);
    }

    /** Started again (restart policy Always): one more restart; the last termination is kept for people. */
    public PodRecord restarted(Instant start) {
        return new PodRecord(workloadId, dispatch, podId, ordinal, node, rank, container, RUNNING, cpuMillis, gpu,
                memoryBytes, ephemeralBytes, gpuIndices, start, null, exitCode, reason, message, restartCount + 1,
                released, port, template, null, crashStreak, retired);
    }

    public PodRecord asReleased() {
        return new PodRecord(workloadId, dispatch, podId, ordinal, node, rank, container, phase, cpuMillis, gpu,
                memoryBytes, ephemeralBytes, gpuIndices, startTime, endTime, exitCode, reason, message, restartCount,
                true, port, template, restartAt, crashStreak, retired);
    }

    public PodRecord asRetired() {
        return new PodRecord(workloadId, dispatch, podId, ordinal, node, rank, container, phase, cpuMillis, gpu,
                memoryBytes, ephemeralBytes, gpuIndices, startTime, endTime, exitCode, reason, message, restartCount,
                released, port, template, restartAt, crashStreak, true);
    }

    /** Placed with a host port and the template it runs. */
    public PodRecord withPortAndTemplate(int newPort, String newTemplate) {
        return new PodRecord(workloadId, dispatch, podId, ordinal, node, rank, container, phase, cpuMillis, gpu,
                memoryBytes, ephemeralBytes, gpuIndices, startTime, endTime, exitCode, reason, message, restartCount,
                released, newPort, newTemplate, restartAt, crashStreak, retired);
    }

    /**
     * The pod brought back (a StatefulSet ordinal scaled up again, or replaced in place by a rollout): waiting to
     * start at {@code at} with the given template, request and placement, as a new container (restart count 0).
     */
    public PodRecord revived(String newNode, String newGpuIndices, long newCpuMillis, long newGpu, long newMemoryBytes,
            long newEphemeralBytes, String newTemplate, Instant at) {
        return new PodRecord(workloadId, dispatch, podId, ordinal, newNode, rank, container, WAITING, newCpuMillis,
                newGpu, newMemoryBytes, newEphemeralBytes, newGpuIndices, null, endTime, exitCode, reason, message,
                0, released, port, newTemplate, at, 0, false);
    }
}
