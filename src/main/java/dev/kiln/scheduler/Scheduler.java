package dev.kiln.scheduler;

import static java.util.Objects.requireNonNull;

import java.util.Comparator;

/**
 * Decides which pending workloads start now and on which nodes (SPEC §8). A pure function of the snapshot: it
 * reads no clock and keeps no state between passes, so the same snapshot always gives the same {@link Decision}.
 *
 * <p>One walk over all pending workloads in {@link #QUEUE_ORDER}. A ready workload starts when all its pods fit
 * at once (gang placement, best fit) within its workspace's quota. One that does not fit reserves what it waits
 * for, and every later workload must fit in what is left unreserved: nothing behind can delay it, while work that
 * needs other nodes keeps flowing (backfill).
 */
public final class Scheduler {
    /** Retried runs first, then priority 2 before 0, then older first, then id — total, so ties cannot exist. */
    public static final Comparator<PendingWorkload> QUEUE_ORDER = (a, b) -> {
        if (a.retried() != b.retried()) {
            return a.retried() ? -1 : 1;
        }
        if (a.priority() != b.priority()) {
            return a.priority() > b.priority() ? -1 : 1;
        }
        int byTime = a.creationTime().compareTo(b.creationTime());
        return byTime != 0 ? byTime : a.id().compareTo(b.id());
    };

    public Decision schedule(Snapshot snapshot) {
        requireNonNull(snapshot, "snapshot is null");
        return new SchedulingPass(snapshot).run();
    }
}
