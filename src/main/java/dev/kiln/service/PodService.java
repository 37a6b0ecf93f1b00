package dev.kiln.service;

import dev.kiln.workload.Pod;
import dev.kiln.workload.Workload;
import java.time.Duration;
import java.util.List;

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

    /** The workload's service as it is now; empty when the workload has none. */
    default java.util.Optional<ServiceState> service(Workload workload) {
        return java.util.Optional.empty();
    }
}
