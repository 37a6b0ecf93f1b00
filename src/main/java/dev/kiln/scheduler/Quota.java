package dev.kiln.scheduler;

/** A workspace's limit on the sum of its active workloads' requests; a null component is unlimited. */
public record Quota(Long cpuMillis, Long gpu, Long memoryBytes) {
    public Quota {
        requireNotNegative("cpuMillis", cpuMillis);
        requireNotNegative("gpu", gpu);
        requireNotNegative("memoryBytes", memoryBytes);
    }

    /** The limit for a resource, or null when it is unlimited (ephemeral storage is never limited). */
    public Long limit(Resource resource) {
        return switch (resource) {
            case GPU -> gpu;
            case CPU -> cpuMillis;
            case MEMORY -> memoryBytes;
            case EPHEMERAL_STORAGE -> null;
        };
    }

    private static void requireNotNegative(String name, Long value) {
        if (value != null && value < 0) {
            throw new IllegalArgumentException("quota " + name + " " + value + " must not be negative");
        }
    }
}
