package dev.kiln.runtime;

/** The observed phase of one pod, as Kubernetes names it. */
public enum PodPhase {
    RUNNING,
    SUCCEEDED,
    FAILED,
    UNKNOWN;

    public boolean isTerminal() {
        return switch (this) {
            case SUCCEEDED, FAILED -> true;
            case RUNNING, UNKNOWN -> false;
        };
    }
}
