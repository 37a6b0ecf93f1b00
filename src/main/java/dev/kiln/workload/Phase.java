package dev.kiln.workload;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** A workload's phase; the names are the wire values. */
public enum Phase {
    Pending,
    Running,
    Succeeded,
    Failed,
    Stopped,
    Updating,
    NotReady;

    public static final List<String> NAMES = Arrays.stream(values()).map(Enum::name).toList();

    public static Optional<Phase> parse(String value) {
        return Arrays.stream(values()).filter(p -> p.name().equals(value)).findFirst();
    }

    public boolean isTerminal() {
        return switch (this) {
            case Succeeded, Failed, Stopped -> true;
            case Pending, Running, Updating, NotReady -> false;
        };
    }

    /** Has pods that were started and not yet ended. */
    public boolean isActive() {
        return switch (this) {
            case Running, Updating, NotReady -> true;
            case Pending, Succeeded, Failed, Stopped -> false;
        };
    }
}
