package dev.kiln.scheduler;

import java.util.Optional;

/**
 * An amount of each schedulable resource: a pod's request, a node's capacity, what is allocated or free. Amounts
 * are never negative; arithmetic that would make one negative is a bug in the caller and throws.
 */
public record Resources(long cpuMillis, long gpu, long memoryBytes, long ephemeralBytes) {
    public static final Resources ZERO = new Resources(0, 0, 0, 0);

    public Resources {
        requireNotNegative("cpuMillis", cpuMillis);
        requireNotNegative("gpu", gpu);
        requireNotNegative("memoryBytes", memoryBytes);
        requireNotNegative("ephemeralBytes", ephemeralBytes);
    }

    public long get(Resource resource) {
        return switch (resource) {
            case GPU -> gpu;
            case CPU -> cpuMillis;
            case MEMORY -> memoryBytes;
            case EPHEMERAL_STORAGE -> ephemeralBytes;
        };
    }

    public Resources plus(Resources other) {
        return new Resources(
                Math.addExact(cpuMillis, other.cpuMillis),
                Math.addExact(gpu, other.gpu),
                Math.addExact(memoryBytes, other.memoryBytes),
                Math.addExact(ephemeralBytes, other.ephemeralBytes));
    }

    /** Componentwise difference; throws {@link IllegalArgumentException} if {@code other} does not fit in this. */
    public Resources minus(Resources other) {
        return new Resources(
                cpuMillis - other.cpuMillis,
                gpu - other.gpu,
                memoryBytes - other.memoryBytes,
                ephemeralBytes - other.ephemeralBytes);
    }

    public Resources times(int factor) {
        if (factor < 0) {
            throw new IllegalArgumentException("factor " + factor + " must not be negative");
        }
        return new Resources(
                Math.multiplyExact(cpuMillis, factor),
                Math.multiplyExact(gpu, factor),
                Math.multiplyExact(memoryBytes, factor),
                Math.multiplyExact(ephemeralBytes, factor));
    }

    /** True when every component of this is at most the same component of {@code other}. */
    public boolean fitsIn(Resources other) {
        return cpuMillis <= other.cpuMillis
                && gpu <= other.gpu
                && memoryBytes <= other.memoryBytes
                && ephemeralBytes <= other.ephemeralBytes;
    }

    /**
     * The first resource (in {@link Resource} order) of which this request needs more than {@code free} has, or
     * empty when it fits.
     */
    public Optional<Resource> firstExceeding(Resources free) {
        for (Resource resource : Resource.values()) {
            if (get(resource) > free.get(resource)) {
                return Optional.of(resource);
            }
        }
        return Optional.empty();
    }

    private static void requireNotNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " " + value + " must not be negative");
        }
    }
}
