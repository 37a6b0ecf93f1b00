package dev.kiln.lifecycle;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.ZoneId;

/**
 * The lifecycle's knobs (config {@code lifecycle:} and {@code cluster.timeZone}).
 *
 * @param logMaxBytes cap on the total size of kept logs (oldest ended pods' logs go first), or null for none
 */
public record LifecycleSettings(
        Duration stopGracePeriod, Duration hangTimeout, Duration logRetention, Long logMaxBytes, ZoneId timeZone) {
    public LifecycleSettings {
        requireNonNull(stopGracePeriod, "stopGracePeriod is null");
        requireNonNull(hangTimeout, "hangTimeout is null");
        requireNonNull(logRetention, "logRetention is null");
        requireNonNull(timeZone, "timeZone is null");
    }

    public static LifecycleSettings defaults() {
        return new LifecycleSettings(Duration.ofSeconds(30), Duration.ofMinutes(30), Duration.ofDays(7), null, ZoneId.of("UTC"));
    }
}
