package dev.kiln.scheduler;

import java.util.Arrays;

/**
 * Gang requests that have failed in one eligibility class during this pass. What a workload may use only shrinks
 * during a pass, so a request at least as large as a failed one — as many pods or more, each needing as much or
 * more, on distinct nodes if the failed one was — fails too, and the scan over the nodes can be skipped. Only the
 * minimal failures are kept.
 */
final class FailureFrontier {
    private static final int WIDTH = 2 + NodeTable.RESOURCES;

    private long[] entries = new long[WIDTH * 8];
    private int size;

    boolean covers(Demand demand) {
        long[] e = entries;
        for (int i = 0; i < size; i++) {
            int at = i * WIDTH;
            if (covers(e, at, demand)) {
                return true;
            }
        }
        return false;
    }

    void add(Demand demand) {
        // drop entries the new failure implies, so the frontier stays small
        int kept = 0;
        for (int i = 0; i < size; i++) {
            int at = i * WIDTH;
            if (!impliedBy(at, demand)) {
                System.arraycopy(entries, at, entries, kept * WIDTH, WIDTH);
                kept++;
            }
        }
        size = kept;
        if ((size + 1) * WIDTH > entries.length) {
            entries = Arrays.copyOf(entries, entries.length * 2);
        }
        int at = size * WIDTH;
        entries[at] = demand.pods;
        entries[at + 1] = demand.distinct ? 1 : 0;
        System.arraycopy(demand.request, 0, entries, at + 2, NodeTable.RESOURCES);
        size++;
    }

    /** Whether the failed entry at {@code at} proves that the demand fails. */
    private static boolean covers(long[] e, int at, Demand demand) {
        if (demand.pods < e[at] || (e[at + 1] == 1 && !demand.distinct)) {
            return false;
        }
        long[] request = demand.request;
        for (int r = 0; r < NodeTable.RESOURCES; r++) {
            if (request[r] < e[at + 2 + r]) {
                return false;
            }
        }
        return true;
    }

    /** Whether the entry at {@code at} is at least as large as the demand (so the demand's failure implies it). */
    private boolean impliedBy(int at, Demand demand) {
        long[] e = entries;
        if (e[at] < demand.pods || (demand.distinct && e[at + 1] == 0)) {
            return false;
        }
        for (int r = 0; r < NodeTable.RESOURCES; r++) {
            if (e[at + 2 + r] < demand.request[r]) {
                return false;
            }
        }
        return true;
    }
}
