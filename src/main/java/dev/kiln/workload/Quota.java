package dev.kiln.workload;

/** A workspace's cap on the summed requests of its active workloads; a null part is unlimited. */
public record Quota(Long cpuMillis, Long gpu, Long memoryBytes) {}
