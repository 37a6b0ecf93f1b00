package dev.kiln.scheduler;

/**
 * A gang request within one eligibility class — pods, per-pod request and whether pods need distinct nodes.
 * Workloads with the same demand share it, and with it the results that stay valid for a while: whether it fits on
 * empty nodes and where it would wait, and pending messages tagged with the class version they were made at.
 */
final class Demand {
    /** What makes two workloads share a demand. */
    record Key(int classId, int pods, long gpu, long cpu, long memory, long storage, boolean distinct) {}

    final EligibilityClass eligibility;
    final int pods;
    /** Per-pod request indexed by {@link Resource#ordinal()}. */
    final long[] request;
    final boolean distinct;

    /** 0 not yet known, 1 fits on the eligible nodes when they are empty, 2 never fits. */
    int fitsWhenEmpty;
    /** Where the workload waits (best fit by total capacity): node numbers and pods on each. */
    int[] waitNodes;
    int[] waitCounts;
    String neverFits;

    String insufficient;
    int insufficientPlaceVersion = -1;
    String waiting;
    int waitingPlaceVersion = -1;
    int waitingHoldVersion = -1;

    Demand(EligibilityClass eligibility, int pods, long[] request, boolean distinct) {
        this.eligibility = eligibility;
        this.pods = pods;
        this.request = request;
        this.distinct = distinct;
    }
}
