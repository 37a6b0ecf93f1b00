package dev.kiln.store;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Test-data builder for {@link WorkloadQuery}: every filter off, newest first, limit 1000. */
final class QueryBuilder {
    private Set<String> workspaces;
    private List<String> phases = List.of();
    private List<String> kinds = List.of();
    private String cluster;
    private String user;
    private String userName;
    private String description;
    private String workloadId;
    private Instant since;
    private Instant until;
    private WorkloadQuery.SortField sort = WorkloadQuery.SortField.creationTime;
    private boolean ascending;
    private int offset;
    private int limit = 1000;

    QueryBuilder workspaces(Set<String> v) { workspaces = v; return this; }
    QueryBuilder phases(List<String> v) { phases = v; return this; }
    QueryBuilder kinds(List<String> v) { kinds = v; return this; }
    QueryBuilder cluster(String v) { cluster = v; return this; }
    QueryBuilder user(String v) { user = v; return this; }
    QueryBuilder userName(String v) { userName = v; return this; }
    QueryBuilder description(String v) { description = v; return this; }
    QueryBuilder workloadId(String v) { workloadId = v; return this; }
    QueryBuilder since(Instant v) { since = v; return this; }
    QueryBuilder until(Instant v) { until = v; return this; }
    QueryBuilder sort(WorkloadQuery.SortField field, boolean asc) { sort = field; ascending = asc; return this; }
    QueryBuilder page(int newOffset, int newLimit) { offset = newOffset; limit = newLimit; return this; }

    WorkloadQuery build() {
        return new WorkloadQuery(workspaces, phases, kinds, cluster, user, userName, description, workloadId, since, until,
                sort, ascending, offset, limit);
    }
}
