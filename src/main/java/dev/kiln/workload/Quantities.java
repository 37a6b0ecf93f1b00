package dev.kiln.workload;

import java.math.BigDecimal;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Kubernetes-style quantities: cpu cores ("2", "0.5", "500m"), gpu counts and byte sizes ("128Gi", "1G"). */
public final class Quantities {
    private static final Pattern CPU = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(m?)");
    private static final Pattern BYTES = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?");
    private static final Pattern COUNT = Pattern.compile("[0-9]{1,9}");
    private static final Map<String, BigDecimal> UNITS = Map.ofEntries(
            Map.entry("", BigDecimal.ONE),
            Map.entry("Ki", BigDecimal.valueOf(1L << 10)),
            Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
            Map.entry("Gi", BigDecimal.valueOf(1L << 30)),
            Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
            Map.entry("Pi", BigDecimal.valueOf(1L << 50)),
            Map.entry("Ei", BigDecimal.valueOf(1L << 60)),
            Map.entry("k", BigDecimal.valueOf(1_000L)),
            Map.entry("M", BigDecimal.valueOf(1_000_000L)),
            Map.entry("G", BigDecimal.valueOf(1_000_000_000L)),
            Map.entry("T", BigDecimal.valueOf(1_000_000_000_000L)),
            Map.entry("P", BigDecimal.valueOf(1_000_000_000_000_000L)),
            Map.entry("E", BigDecimal.valueOf(1_000_000_000_000_000_000L)));
    private static final BigDecimal MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    private Quantities() {}

    /** Millicores, or empty when the text is not a cpu quantity. */
    public static OptionalLong cpuMillis(String text) {
        Matcher m = CPU.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            return OptionalLong.empty();
        }
        BigDecimal value = new BigDecimal(m.group(1));
        BigDecimal millis = m.group(2).isEmpty() ? value.movePointRight(3) : value;
        if (millis.stripTrailingZeros().scale() > 0 || millis.compareTo(MAX) > 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(millis.longValueExact());
    }

    /** A non-negative whole number (gpu cards), or empty. */
    public static OptionalLong count(String text) {
        String t = text == null ? "" : text.trim();
        return COUNT.matcher(t).matches() ? OptionalLong.of(Long.parseLong(t)) : OptionalLong.empty();
    }

    /** Bytes, or empty when the text is not a byte quantity. Fractions round up to a whole byte. */
    public static OptionalLong bytes(String text) {
        Matcher m = BYTES.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            return OptionalLong.empty();
        }
        BigDecimal unit = UNITS.get(m.group(2) == null ? "" : m.group(2));
        BigDecimal value = new BigDecimal(m.group(1)).multiply(unit);
        if (value.compareTo(MAX) > 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(value.setScale(0, java.math.RoundingMode.CEILING).longValueExact());
    }

    /** The shortest exact binary form: 512Mi, 1Gi, 1536Ki, or plain bytes. */
    public static String formatBytes(long bytes) {
        String[] units = {"Ei", "Pi", "Ti", "Gi", "Mi", "Ki"};
        int[] shifts = {60, 50, 40, 30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes >= unit && bytes % unit == 0) {
                return (bytes / unit) + units[i];
            }
        }
        return Long.toString(bytes);
    }

    /** Cores for people: 2, 0.5, 1.25. */
    public static String formatCpu(long millis) {
        return BigDecimal.valueOf(millis).movePointLeft(3).stripTrailingZeros().toPlainString();
    }

    /** Bytes for people, rounded: 8Gi, 1.5Gi, 300Mi. */
    public static String formatBytesApprox(long bytes) {
        String[] units = {"Ti", "Gi", "Mi", "Ki"};
        int[] shifts = {40, 30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes >= unit) {
                BigDecimal v = BigDecimal.valueOf(bytes).divide(BigDecimal.valueOf(unit), 1, java.math.RoundingMode.HALF_UP);
                return v.stripTrailingZeros().toPlainString() + units[i];
            }
        }
        return bytes + "B";
    }
}
