package dev.kiln.scheduler;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * One schedulable resource. The declaration order is the order in which the scheduler names a blocking resource
 * and breaks best-fit ties: GPUs are the scarce, expensive part of an AI cluster, so they come first.
 */
public enum Resource {
    GPU("gpu"),
    CPU("cpu"),
    MEMORY("memory"),
    EPHEMERAL_STORAGE("ephemeral-storage");

    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    private final String label;

    Resource(String label) {
        this.label = label;
    }

    /** The name used in messages and quotas, as users write it in a workload spec. */
    public String label() {
        return label;
    }

    /**
     * Formats an amount for a person: cpu in cores ({@code 1.5}), gpu as a count, memory and storage in Gi with at
     * most one decimal ({@code 16Gi}, {@code 0.5Gi}); amounts too small to show in Gi are shown in Mi.
     */
    public String format(long amount) {
        return switch (this) {
            case GPU -> Long.toString(amount);
            case CPU -> BigDecimal.valueOf(amount, 3).stripTrailingZeros().toPlainString();
            case MEMORY, EPHEMERAL_STORAGE -> formatBytes(amount);
        };
    }

    private static String formatBytes(long bytes) {
        // 0.05Gi would round to "0Gi", which hides a real (small) request
        if (bytes != 0 && Math.abs(bytes) < GIB / 20) {
            return BigDecimal.valueOf(bytes)
                            .divide(BigDecimal.valueOf(MIB), 0, RoundingMode.HALF_UP)
                            .toPlainString()
                    + "Mi";
        }
        return BigDecimal.valueOf(bytes)
                        .divide(BigDecimal.valueOf(GIB), 1, RoundingMode.HALF_UP)
                        .stripTrailingZeros()
                        .toPlainString()
                + "Gi";
    }
}
