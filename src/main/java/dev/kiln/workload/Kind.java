package dev.kiln.workload;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The four kinds of workload; the names are the wire values. */
public enum Kind {
    PyTorchJob,
    Deployment,
    StatefulSet,
    Authoring;

    public static final List<String> NAMES = Arrays.stream(values()).map(Enum::name).toList();

    public static Optional<Kind> parse(String value) {
        return Arrays.stream(values()).filter(k -> k.name().equals(value)).findFirst();
    }

    /** Kinds whose pods are restarted when they exit and which may be patched while running. */
    public boolean isService() {
        return this == Deployment || this == StatefulSet;
    }

    /** Only PyTorchJobs end on their own, so only they retry and take dependencies. */
    public boolean isBatch() {
        return this == PyTorchJob;
    }
}
