package dev.kiln.workload;

import java.util.Locale;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/** Workload ids: the normalised display name, a dash, and five random characters (SPEC §4). */
public final class WorkloadIds {
    public static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    public static final Pattern ID = Pattern.compile("[a-z0-9-]{1,63}");
    private static final int MAX_PREFIX = 57;
    private static final Pattern OUTSIDE = Pattern.compile("[^a-z0-9]+");

    private final RandomGenerator random;

    public WorkloadIds(RandomGenerator random) {
        this.random = random;
    }

    /** Lower-cased, runs outside [a-z0-9] become one '-', no leading or trailing '-', at most 57 characters. */
    public static Optional<String> normalise(String displayName) {
        String s = OUTSIDE.matcher(displayName.toLowerCase(Locale.ROOT)).replaceAll("-");
        s = trimDashes(s);
        if (s.length() > MAX_PREFIX) {
            s = trimDashes(s.substring(0, MAX_PREFIX));
        }
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    public String next(String normalisedName) {
        StringBuilder id = new StringBuilder(normalisedName.length() + 6).append(normalisedName).append('-');
        for (int i = 0; i < 5; i++) {
            id.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }

    public static boolean isValid(String id) {
        return id != null && ID.matcher(id).matches();
    }

    private static String trimDashes(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == '-') {
            start++;
        }
        while (end > start && s.charAt(end - 1) == '-') {
            end--;
        }
        return s.substring(start, end);
    }
}
