package dev.kiln.runtime;

import java.util.regex.Pattern;

/**
 * Identifies one pod of one run (dispatch) of a workload. The ids are validated here because they become path
 * segments in the local runtime and object names in Kubernetes: nothing unchecked may reach a file path.
 */
public record PodKey(String workloadId, int dispatch, String podId) {
    private static final Pattern ID = Pattern.compile("[a-z0-9-]{1,63}");

    /** Pod names extend the workload id (up to 63) with a role and ordinal, as Kubernetes pod names do. */
    private static final Pattern POD_ID = Pattern.compile("[a-z0-9-]{1,253}");

    public PodKey {
        checkId("workloadId", workloadId);
        if (podId == null || !POD_ID.matcher(podId).matches()) {
            throw new IllegalArgumentException("podId '" + podId + "' is invalid: must match [a-z0-9-]{1,253}");
        }
        if (dispatch < 1) {
            throw new IllegalArgumentException("dispatch " + dispatch + " is out of range: must be at least 1");
        }
    }

    /** Throws IllegalArgumentException unless {@code value} matches {@code [a-z0-9-]{1,63}}. */
    public static String checkId(String field, String value) {
        if (value == null || !ID.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " '" + value + "' is invalid: must match [a-z0-9-]{1,63}");
        }
        return value;
    }

    @Override
    public String toString() {
        return workloadId + "/" + dispatch + "/" + podId;
    }
}
