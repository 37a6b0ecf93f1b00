package dev.kiln.store;

import static java.util.Objects.requireNonNull;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.StatementContext;

/** Pods in the database. */
public final class PodStore {
    private static final String COLUMNS = "workload_id, dispatch, pod_id, ordinal, node, rank_label, container, phase,"
            + " cpu_millis, gpu, memory_bytes, ephemeral_bytes, gpu_indices, start_time, end_time, exit_code, reason,"
            + " message, restart_count, released, port, template, restart_at, crash_streak, retired";

    private final Database database;

    public PodStore(Database database) {
        this.database = requireNonNull(database, "database is null");
    }

    public void insertAll(List<PodRecord> pods) {
        database.jdbi().useTransaction(h -> insertAll(h, pods));
    }

    static void insertAll(org.jdbi.v3.core.Handle h, List<PodRecord> pods) {
        if (pods.isEmpty()) {
            return;
        }
        var batch = h.prepareBatch("INSERT INTO pods (" + COLUMNS + ") VALUES (:workload_id, :dispatch, :pod_id,"
                    + " :ordinal, :node, :rank_label, :container, :phase, :cpu_millis, :gpu, :memory_bytes,"
                    + " :ephemeral_bytes, :gpu_indices, :start_time, :end_time, :exit_code, :reason, :message,"
                    + " :restart_count, :released, :port, :template, :restart_at, :crash_streak, :retired)");
        for (PodRecord p : pods) {
            bind(batch, p).add();
        }
        batch.execute();
    }

    public void update(PodRecord p) {
        database.jdbi().useHandle(h -> bind(h.createUpdate("UPDATE pods SET node = :node, phase = :phase,"
                        + " gpu_indices = :gpu_indices, start_time = :start_time, end_time = :end_time,"
                        + " exit_code = :exit_code, reason = :reason, message = :message, restart_count = :restart_count,"
                        + " released = :released, ordinal = :ordinal, rank_label = :rank_label, container = :container,"
                        + " cpu_millis = :cpu_millis, gpu = :gpu, memory_bytes = :memory_bytes, ephemeral_bytes = :ephemeral_bytes,"
                        + " port = :port, template = :template, restart_at = :restart_at, crash_streak = :crash_streak,"
                        + " retired = :retired"
                        + " WHERE workload_id = :workload_id AND dispatch = :dispatch AND pod_id = :pod_id"), p)
                .execute());
    }

    /** Pods that hold node resources: written, running, or waiting to be restarted; not yet seen to end for good. */
    public List<PodRecord> live() {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM pods WHERE phase IN ('Pending', 'Running', 'Waiting')")
                .map(PodStore::map)
                .list());
    }

    public List<PodRecord> of(String workloadId, int dispatch) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT " + COLUMNS
                        + " FROM pods WHERE workload_id = :w AND dispatch = :d ORDER BY ordinal, pod_id")
                .bind("w", workloadId)
                .bind("d", dispatch)
                .map(PodStore::map)
                .list());
    }

    /**
     * The workload a pod id belongs to. A pod id is its workload's id with a suffix, so only the id's prefixes that
     * end before a '-' are candidates, and the lookup uses the primary key.
     */
    public java.util.Optional<String> workloadOf(String podId) {
        List<String> candidates = new java.util.ArrayList<>();
        for (int i = podId.indexOf('-'); i > 0; i = podId.indexOf('-', i + 1)) {
            candidates.add(podId.substring(0, i));
        }
        if (candidates.isEmpty()) {
            return java.util.Optional.empty();
        }
        return database.jdbi().withHandle(h -> h.createQuery("SELECT workload_id FROM pods"
                        + " WHERE workload_id IN (<candidates>) AND pod_id = :p ORDER BY dispatch DESC")
                .bindList("candidates", candidates)
                .bind("p", podId)
                .mapTo(String.class)
                .findFirst());
    }

    /** Every pod of a workload, all runs. */
    public List<PodRecord> allOf(String workloadId) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT " + COLUMNS
                        + " FROM pods WHERE workload_id = :w ORDER BY dispatch, ordinal, pod_id")
                .bind("w", workloadId)
                .map(PodStore::map)
                .list());
    }

    /** Pods that ended before {@code cutoff} and still have logs, oldest first. */
    public List<PodRecord> endedBefore(java.time.Instant cutoff) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT " + COLUMNS
                        + " FROM pods WHERE end_time < :cutoff AND NOT logs_purged ORDER BY end_time")
                .bind("cutoff", cutoff.toEpochMilli())
                .map(PodStore::map)
                .list());
    }

    /** Every pod that still has logs, oldest end first (running ones last). */
    public List<PodRecord> withLogs() {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT " + COLUMNS
                        + " FROM pods WHERE NOT logs_purged ORDER BY CASE WHEN end_time IS NULL THEN 1 ELSE 0 END, end_time")
                .map(PodStore::map)
                .list());
    }

    public void markLogsPurged(PodRecord p) {
        database.jdbi().useHandle(h -> h.createUpdate("UPDATE pods SET logs_purged = TRUE"
                        + " WHERE workload_id = :w AND dispatch = :d AND pod_id = :p")
                .bind("w", p.workloadId())
                .bind("d", p.dispatch())
                .bind("p", p.podId())
                .execute());
    }

    public void delete(PodRecord p) {
        database.jdbi().useHandle(h -> h.createUpdate("DELETE FROM pods WHERE workload_id = :w AND dispatch = :d AND pod_id = :p")
                .bind("w", p.workloadId())
                .bind("d", p.dispatch())
                .bind("p", p.podId())
                .execute());
    }

    private static <S extends SqlStatement<S>> S bind(S s, PodRecord p) {
        return s.bind("workload_id", p.workloadId())
                .bind("dispatch", p.dispatch())
                .bind("pod_id", p.podId())
                .bind("ordinal", p.ordinal())
                .bind("node", p.node())
                .bind("rank_label", p.rank() == null ? "" : p.rank())
                .bind("container", p.container())
                .bind("phase", p.phase())
                .bind("cpu_millis", p.cpuMillis())
                .bind("gpu", p.gpu())
                .bind("memory_bytes", p.memoryBytes())
                .bind("ephemeral_bytes", p.ephemeralBytes())
                .bind("gpu_indices", p.gpuIndices())
                .bind("start_time", p.startTime() == null ? null : p.startTime().toEpochMilli())
                .bind("end_time", p.endTime() == null ? null : p.endTime().toEpochMilli())
                .bind("exit_code", p.exitCode())
                .bind("reason", p.reason())
                .bind("message", p.message().length() > 1000 ? p.message().substring(0, 1000) : p.message())
                .bind("restart_count", p.restartCount())
                .bind("released", p.released())
                .bind("port", p.port())
                .bind("template", p.template())
                .bind("restart_at", p.restartAt() == null ? null : p.restartAt().toEpochMilli())
                .bind("crash_streak", p.crashStreak())
                .bind("retired", p.retired());
    }

    private static PodRecord map(ResultSet rs, StatementContext ctx) throws SQLException {
        long start = rs.getLong("start_time");
        Instant startTime = rs.wasNull() ? null : Instant.ofEpochMilli(start);
        long end = rs.getLong("end_time");
        Instant endTime = rs.wasNull() ? null : Instant.ofEpochMilli(end);
        int code = rs.getInt("exit_code");
        Integer exitCode = rs.wasNull() ? null : code;
        long restart = rs.getLong("restart_at");
        Instant restartAt = rs.wasNull() ? null : Instant.ofEpochMilli(restart);
        return new PodRecord(rs.getString("workload_id"), rs.getInt("dispatch"), rs.getString("pod_id"),
                rs.getInt("ordinal"), rs.getString("node"), rs.getString("rank_label"), rs.getString("container"),
                rs.getString("phase"), rs.getLong("cpu_millis"), rs.getLong("gpu"), rs.getLong("memory_bytes"),
                rs.getLong("ephemeral_bytes"), rs.getString("gpu_indices"), startTime, endTime, exitCode,
                rs.getString("reason"), rs.getString("message"), rs.getInt("restart_count"), rs.getBoolean("released"),
                rs.getInt("port"), rs.getString("template"), restartAt, rs.getInt("crash_streak"), rs.getBoolean("retired"));
    }
}
