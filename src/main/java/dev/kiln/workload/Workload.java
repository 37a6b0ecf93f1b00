package dev.kiln.workload;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A workload as stored: the user's spec, who owns it, and what has happened to it. {@code stopRequested} is what
 * the user asked for (Nomad's desired state); {@code phase} is what Kiln observed. {@code version} is bumped by
 * every store update, which is a compare-and-set on it.
 */
public record Workload(
        String id,
        String uid,
        WorkloadSpec spec,
        String userId,
        String userName,
        String clusterId,
        Phase phase,
        String message,
        Instant creationTime,
        Instant startTime,
        Instant endTime,
        Instant deletionTime,
        int dispatchCount,
        int schedulerOrder,
        boolean retried,
        boolean stopRequested,
        List<Condition> conditions,
        List<List<String>> nodes,
        List<List<String>> ranks,
        String k8sObjectUid,
        boolean deleted,
        long version) {

    public static final int MAX_CONDITIONS = 100;

    public Workload {
        requireNonNull(id, "id is null");
        requireNonNull(spec, "spec is null");
        requireNonNull(phase, "phase is null");
        requireNonNull(creationTime, "creationTime is null");
        message = message == null ? "" : message;
        conditions = List.copyOf(conditions);
        nodes = nodes.stream().map(List::copyOf).toList();
        ranks = ranks.stream().map(List::copyOf).toList();
    }

    public Kind kind() {
        return spec.kind();
    }

    public String workspaceId() {
        return spec.workspaceId();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Copy-with-changes for state transitions. */
    public static final class Builder {
        private final Workload base;
        public WorkloadSpec spec;
        public Phase phase;
        public String message;
        public Instant startTime;
        public Instant endTime;
        public Instant deletionTime;
        public int dispatchCount;
        public int schedulerOrder;
        public boolean retried;
        public boolean stopRequested;
        public final List<Condition> conditions;
        public final List<List<String>> nodes;
        public final List<List<String>> ranks;
        public String k8sObjectUid;
        public boolean deleted;

        Builder(Workload w) {
            base = w;
            spec = w.spec;
            phase = w.phase;
            message = w.message;
            startTime = w.startTime;
            endTime = w.endTime;
            deletionTime = w.deletionTime;
            dispatchCount = w.dispatchCount;
            schedulerOrder = w.schedulerOrder;
            retried = w.retried;
            stopRequested = w.stopRequested;
            conditions = new ArrayList<>(w.conditions);
            nodes = new ArrayList<>(w.nodes);
            ranks = new ArrayList<>(w.ranks);
            k8sObjectUid = w.k8sObjectUid;
            deleted = w.deleted;
        }

        /** Appends to the history, dropping the oldest past {@link #MAX_CONDITIONS}; the message follows it. */
        public Builder condition(Condition condition) {
            conditions.add(condition);
            while (conditions.size() > MAX_CONDITIONS) {
                conditions.remove(0);
            }
            message = condition.message();
            return this;
        }

        public Workload build() {
            return new Workload(base.id, base.uid, spec, base.userId, base.userName, base.clusterId, phase, message,
                    base.creationTime, startTime, endTime, deletionTime, dispatchCount, schedulerOrder, retried,
                    stopRequested, conditions, nodes, ranks, k8sObjectUid, deleted, base.version);
        }
    }
}
