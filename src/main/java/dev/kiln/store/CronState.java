package dev.kiln.store;

import java.time.Instant;
import java.util.Map;

/**
 * What the cron step remembers about a workload: when each schedule entry (keyed by schedule and action) last
 * fired, and the run count when a cron start last began a new run (the retry budget counts from there).
 */
public record CronState(Map<String, Instant> fires, int retryBase) {
    public static final CronState EMPTY = new CronState(Map.of(), 0);

    public CronState {
        fires = fires == null ? Map.of() : Map.copyOf(fires);
    }
}
