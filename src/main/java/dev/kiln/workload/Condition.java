package dev.kiln.workload;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** One entry of a workload's history: what happened, why (a machine word) and the details for people. */
public record Condition(String type, String status, String reason, String message, Instant lastTransitionTime) {
    public Condition {
        requireNonNull(type, "type is null");
        requireNonNull(status, "status is null");
        requireNonNull(reason, "reason is null");
        requireNonNull(message, "message is null");
        requireNonNull(lastTransitionTime, "lastTransitionTime is null");
    }

    public static Condition of(String type, String reason, String message, Instant now) {
        return new Condition(type, "True", reason, message, now);
    }
}
