package dev.kiln.store;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A list request in store terms. {@code workspaceIds} null means every workspace. Fuzzy fields are
 * case-insensitive substrings with % and _ taken literally.
 */
public record WorkloadQuery(
        Set<String> workspaceIds,
        List<String> phases,
        List<String> kinds,
        String clusterId,
        String userId,
        String userNameLike,
        String descriptionLike,
        String workloadIdLike,
        Instant since,
        Instant until,
        SortField sortBy,
        boolean ascending,
        int offset,
        int limit) {

    /** The sortable response fields and the column each sorts by. */
    public enum SortField {
        creationTime("creation_time"),
        startTime("start_time"),
        endTime("end_time"),
        priority("priority"),
        phase("phase"),
        workloadId("id"),
        displayName("display_name"),
        userName("user_name"),
        dispatchCount("dispatch_count");

        final String column;

        SortField(String column) {
            this.column = column;
        }
    }
}
