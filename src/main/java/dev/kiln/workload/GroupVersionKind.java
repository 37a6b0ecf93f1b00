package dev.kiln.workload;

/** The kind of a workload and its API version; the group is not used. */
public record GroupVersionKind(String group, String version, String kind) {}
