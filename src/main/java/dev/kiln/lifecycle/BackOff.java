package dev.kiln.lifecycle;

import java.time.Duration;
import java.time.Instant;

/**
 * Restart back-off of restart policy Always, as the kubelet does it: 1 s after the first exit, doubling with each
 * exit that follows, capped at 5 minutes; a pod that ran 10 minutes before exiting starts again from 1 s.
 */
public final class BackOff {
    public static final Duration INITIAL = Duration.ofSeconds(1);
    public static final Duration MAX = Duration.ofMinutes(5);
    public static final Duration RESET_AFTER = Duration.ofMinutes(10);

    private BackOff() {}

    /** The crash streak after an exit at {@code end} of a run that began at {@code start} (null: unknown). */
    public static int streakAfterExit(int streak, Instant start, Instant end) {
        if (start != null && end != null && !Duration.between(start, end).minus(RESET_AFTER).isNegative()) {
            return 1;
        }
        return streak + 1;
    }

    /** The wait before the restart that follows the {@code streak}-th exit in a row (1 → 1 s, 2 → 2 s, 3 → 4 s, …). */
    public static Duration delay(int streak) {
        if (streak <= 1) {
            return INITIAL;
        }
        if (streak > 20) {
            return MAX;
        }
        Duration d = INITIAL.multipliedBy(1L << (streak - 1));
        return d.compareTo(MAX) > 0 ? MAX : d;
    }
}
