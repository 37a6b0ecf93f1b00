package dev.kiln.workload;

import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/** What validation needs to know about the installation it validates against. */
public interface ClusterView {
    Optional<Workspace> workspace(String id);

    List<Node> nodes();

    /** True when a workload with this id exists and is not deleted. */
    boolean workloadExists(String id);

    /** True when an active or pending workload other than {@code exceptWorkloadId} already uses this node port. */
    boolean nodePortInUse(int port, String exceptWorkloadId);

    ZoneId timeZone();

    /** Cluster shape runs images, so it needs one; embedded shape only records it. */
    boolean requiresImage();
}
