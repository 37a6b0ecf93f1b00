package dev.kiln.workload;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/** One replica of one run of a workload, as observed. */
public record Pod(
        String workloadId,
        int dispatch,
        String podId,
        String node,
        String phase,
        Instant startTime,
        Instant endTime,
        String hostIp,
        String podIp,
        String rank,
        List<Container> containers) {
    public Pod {
        requireNonNull(podId, "podId is null");
        containers = List.copyOf(containers);
    }

    /** A container's last termination: reason and message are empty and exitCode null while it runs. */
    public record Container(String name, String reason, String message, Integer exitCode, int restartCount) {}
}
