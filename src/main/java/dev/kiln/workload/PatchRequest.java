package dev.kiln.workload;

import java.util.List;
import java.util.Map;

/** PATCH /workloads/{id}: only the fields present (non-null) change. */
public record PatchRequest(
        Integer priority,
        Integer replica,
        String cpu,
        String gpu,
        String memory,
        String ephemeralStorage,
        String sharedMemory,
        String image,
        String entryPoint,
        Map<String, String> env,
        String description,
        Long timeout,
        Integer maxRetry,
        List<CronJobSpec> cronJobs) {}
