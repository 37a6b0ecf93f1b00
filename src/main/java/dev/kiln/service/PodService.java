package dev.kiln.service;

import dev.kiln.runtime.PodExec;
import dev.kiln.runtime.PodKey;
import dev.kiln.runtime.PodProcess;
import dev.kiln.workload.Pod;
import dev.kiln.workload.Workload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Pods of workloads, their logs and containers, whatever runtime runs them. */
public interface PodService {
    /** The pods of the workload's latest run, in rank/ordinal order. */
    List<Pod> pods(Workload workload);

    /**
     * The last lines of a pod's container log. Throws {@link dev.kiln.workload.KilnException.NotFound} when the pod
     * is not the workload's or the container is unknown.
     */
    List<String> logs(Workload workload, String podId, String container, int tailLines, Duration since, Integer dispatch);

    /** The pod's container names. */
    List<String> containers(Workload workload, String podId);

    /** Shells present on the pod's node. */
    List<String> shells(Workload workload, String podId);

    /**
     * The running pod's container that shells and commands run in ({@code container} null: the main one). Throws
     * NotFound for an unknown pod or container and Conflict when the pod is not running.
     */
    ExecTarget execTarget(Workload workload, String podId, String container);

    /** Starts a command in the target's working directory and environment; with a terminal, in a new PTY. */
    PodProcess exec(ExecTarget target, List<String> command, Map<String, String> env, PodExec.Terminal terminal);

    /** The target pod's working directory on this host, for file transfer; empty when it has none here. */
    Optional<Path> workingDirectory(ExecTarget target);

    /** The id of the workload a pod belongs to, whoever may see it; empty for an unknown pod id. */
    Optional<String> workloadOfPod(String podId);

    /** A running pod's container as {@link #execTarget} found it, with the shells it may run. */
    record ExecTarget(Workload workload, PodKey key, String container, List<String> shells) {
        public ExecTarget {
            shells = List.copyOf(shells);
        }
    }

    /** The workload's service as it is now; empty when the workload has none. */
    default Optional<ServiceState> service(Workload workload) {
        return Optional.empty();
    }
}
