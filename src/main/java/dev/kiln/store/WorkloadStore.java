package dev.kiln.store;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.kiln.workload.Condition;
import dev.kiln.workload.Json;
import dev.kiln.workload.Phase;
import dev.kiln.workload.Workload;
import dev.kiln.workload.WorkloadSpec;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.Update;

/**
 * Workloads in the database. Every method is one transaction; an update is a compare-and-set on the row's
 * version, and losing that race is a normal outcome ({@code false}), not an exception.
 */
public final class WorkloadStore {
    private static final int MAX_MESSAGE = 4000;
    private static final String COLUMNS = "id, uid, workspace_id, kind, display_name, description, user_id, user_name,"
            + " cluster_id, phase, message, priority, creation_time, start_time, end_time, deletion_time,"
            + " dispatch_count, scheduler_order, retried, stop_requested, node_port, k8s_object_uid, deleted, version,"
            + " spec, status, expires_at, has_cron";

    private static final String UPDATE = "UPDATE workloads SET"
            + " phase = :phase, message = :message, priority = :priority, description = :description,"
            + " start_time = :start_time, end_time = :end_time, deletion_time = :deletion_time,"
            + " dispatch_count = :dispatch_count, scheduler_order = :scheduler_order, retried = :retried,"
            + " stop_requested = :stop_requested, node_port = :node_port, k8s_object_uid = :k8s_object_uid,"
            + " deleted = :deleted, spec = :spec, status = :status, expires_at = :expires_at, has_cron = :has_cron,"
            + " version = version + 1 WHERE id = :id AND version = :version";

    private final Database database;

    public WorkloadStore(Database database) {
        this.database = requireNonNull(database, "database is null");
    }

    /** Thrown by {@link #insert} when the id is taken (by a live or a deleted workload). */
    public static final class DuplicateIdException extends RuntimeException {
        DuplicateIdException(String id) {
            super("workload id " + id + " is taken", null, false, false);
        }
    }

    private static final String INSERT = "INSERT INTO workloads (" + COLUMNS + ") VALUES ("
            + ":id, :uid, :workspace_id, :kind, :display_name, :description, :user_id, :user_name,"
            + " :cluster_id, :phase, :message, :priority, :creation_time, :start_time, :end_time,"
            + " :deletion_time, :dispatch_count, :scheduler_order, :retried, :stop_requested, :node_port,"
            + " :k8s_object_uid, :deleted, 0, :spec, :status, :expires_at, :has_cron)";

    public void insert(Workload w) {
        try {
            database.jdbi().useHandle(h -> bindAll(h.createUpdate(INSERT), w).execute());
        } catch (RuntimeException e) {
            if (isUniqueViolation(e)) {
                throw new DuplicateIdException(w.id());
            }
            throw e;
        }
    }

    /**
     * Inserts several workloads in one transaction: one commit (one durable write) for all. Throws
     * {@link DuplicateIdException} if any id is taken, and then inserts none.
     */
    public void insertAll(List<Workload> batch) {
        try {
            database.jdbi().useTransaction(h -> {
                var prepared = h.prepareBatch(INSERT);
                for (Workload w : batch) {
                    bindAll(prepared, w).add();
                }
                prepared.execute();
            });
        } catch (RuntimeException e) {
            if (isUniqueViolation(e)) {
                throw new DuplicateIdException(batch.size() == 1 ? batch.get(0).id() : "in batch");
            }
            throw e;
        }
    }

    /** A live (not deleted) workload. */
    public Optional<Workload> find(String id) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM workloads WHERE id = :id AND NOT deleted")
                .bind("id", id)
                .map(WorkloadStore::map)
                .findOne());
    }

    /** Any workload, deleted ones included (audit, dependency checks). */
    public Optional<Workload> findIncludingDeleted(String id) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM workloads WHERE id = :id")
                .bind("id", id)
                .map(WorkloadStore::map)
                .findOne());
    }

    public boolean exists(String id) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM workloads WHERE id = :id AND NOT deleted")
                .bind("id", id)
                .mapTo(Integer.class)
                .one()) > 0;
    }

    /** Writes {@code w} if the stored row still has {@code w.version()}; false when someone else got there first. */
    public boolean update(Workload w) {
        return database.jdbi().withHandle(h -> bindAll(h.createUpdate(UPDATE), w)
                .bind("version", w.version())
                .execute()) == 1;
    }

    /** Id → version of the live workloads in a phase (an index scan; no JSON is read). */
    public Map<String, Long> versionsInPhase(Phase phase) {
        Map<String, Long> out = new HashMap<>();
        database.jdbi().useHandle(h -> h.createQuery("SELECT id, version FROM workloads WHERE phase = :phase AND NOT deleted")
                .bind("phase", phase.name())
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2)))
                .forEach(e -> out.put(e.getKey(), e.getValue())));
        return out;
    }

    /** Live workloads in any of these phases, oldest first. */
    public List<Workload> findByPhases(List<Phase> phases) {
        if (phases.isEmpty()) {
            return List.of();
        }
        return database.jdbi().withHandle(h -> h.createQuery("SELECT " + COLUMNS
                        + " FROM workloads WHERE NOT deleted AND phase IN (<phases>) ORDER BY creation_time, id")
                .bindList("phases", phases.stream().map(Enum::name).toList())
                .map(WorkloadStore::map)
                .list());
    }

    /** Records the scheduler's view of pending workloads (position and reason) without touching their version. */
    public void updateQueueInfo(Map<String, QueueInfo> info) {
        if (info.isEmpty()) {
            return;
        }
        database.jdbi().useTransaction(h -> {
            var batch = h.prepareBatch("UPDATE workloads SET scheduler_order = :order, message = :message"
                    + " WHERE id = :id AND phase = 'Pending' AND (scheduler_order <> :order OR message <> :message)");
            info.forEach((id, q) -> batch.bind("id", id).bind("order", q.order()).bind("message", truncate(q.message())).add());
            batch.execute();
        });
    }

    public record QueueInfo(int order, String message) {}

    public boolean nodePortInUse(int port, String exceptId) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM workloads WHERE node_port = :port"
                        + " AND NOT deleted AND phase NOT IN ('Succeeded', 'Failed', 'Stopped') AND id <> :except")
                .bind("port", port)
                .bind("except", exceptId == null ? "" : exceptId)
                .mapTo(Integer.class)
                .one()) > 0;
    }

    public record Page(long totalCount, List<Workload> items) {}

    public Page list(WorkloadQuery q) {
        StringBuilder where = new StringBuilder(" WHERE NOT deleted");
        Map<String, Object> binds = new HashMap<>();
        if (q.workspaceIds() != null) {
            if (q.workspaceIds().isEmpty()) {
                return new Page(0, List.of());
            }
            where.append(" AND workspace_id IN (<workspaces>)");
        }
        if (q.kinds() != null && !q.kinds().isEmpty()) {
            where.append(" AND kind IN (<kinds>)");
        }
        if (q.clusterId() != null) {
            where.append(" AND cluster_id = :cluster_id");
            binds.put("cluster_id", q.clusterId());
        }
        if (q.userId() != null) {
            where.append(" AND user_id = :user_id");
            binds.put("user_id", q.userId());
        }
        like(where, binds, "user_name", q.userNameLike());
        like(where, binds, "description", q.descriptionLike());
        like(where, binds, "id", q.workloadIdLike());
        if (q.since() != null) {
            where.append(" AND creation_time >= :since");
            binds.put("since", q.since().toEpochMilli());
        }
        if (q.until() != null) {
            where.append(" AND creation_time <= :until");
            binds.put("until", q.until().toEpochMilli());
        }
        String direction = q.ascending() ? "ASC" : "DESC";
        String sortColumn = q.sortBy().column;
        boolean byId = q.sortBy() == WorkloadQuery.SortField.workloadId;
        String order = " ORDER BY " + sortColumn + " " + direction + (byId ? "" : ", id " + direction);
        // One branch per requested phase (phases are disjoint, so counts add up and the union has no duplicates):
        // H2 uses an IN list as an index condition only on an index's first column and then ignores the columns
        // after it, so "phase IN (a, b) AND workspace_id = w" would scan every active workload of every workspace,
        // while "phase = a AND workspace_id = w" is an index range.
        List<String> branches = new ArrayList<>();
        if (q.phases() == null || q.phases().isEmpty()) {
            branches.add(where.toString());
        } else {
            for (int i = 0; i < q.phases().size(); i++) {
                branches.add(where + " AND phase = :phase_" + i);
                binds.put("phase_" + i, q.phases().get(i));
            }
        }
        String countSql = "SELECT " + String.join(" + ", branches.stream()
                .map(b -> "(SELECT COUNT(*) FROM workloads" + b + ")").toList());
        String idsSql;
        if (branches.size() == 1) {
            idsSql = "SELECT id FROM workloads" + branches.get(0) + order + " LIMIT :limit OFFSET :offset";
        } else {
            String select = byId ? "SELECT id FROM workloads" : "SELECT id, " + sortColumn + " AS sort_key FROM workloads";
            String outerOrder = byId ? " ORDER BY id " + direction : " ORDER BY sort_key " + direction + ", id " + direction;
            idsSql = "SELECT id FROM (" + String.join(" UNION ALL ", branches.stream()
                            .map(b -> "(" + select + b + order + " LIMIT :branch_limit)").toList())
                    + ") page" + outerOrder + " LIMIT :limit OFFSET :offset";
        }
        return database.jdbi().inTransaction(h -> {
            long total = bindFilters(h.createQuery(countSql), q, binds)
                    .mapTo(Long.class)
                    .one();
            if (total == 0 || q.offset() >= total) {
                return new Page(total, List.of());
            }
            // The page's ids first (from an index when one covers the filters and the sort), then only those rows:
            // sorting every match with its JSON columns would read all of them from the table.
            Query idsQuery = bindFilters(h.createQuery(idsSql), q, binds)
                    .bind("limit", q.limit())
                    .bind("offset", q.offset());
            if (branches.size() > 1) {
                idsQuery.bind("branch_limit", (long) q.offset() + q.limit());
            }
            List<String> ids = idsQuery.mapTo(String.class).list();
            if (ids.isEmpty()) {
                return new Page(total, List.of());
            }
            Map<String, Workload> rows = new HashMap<>();
            h.createQuery("SELECT " + COLUMNS + " FROM workloads WHERE id IN (<ids>)")
                    .bindList("ids", ids)
                    .map(WorkloadStore::map)
                    .forEach(w -> rows.put(w.id(), w));
            List<Workload> items = new ArrayList<>(ids.size());
            for (String id : ids) {
                Workload w = rows.get(id);
                if (w != null) {
                    items.add(w);
                }
            }
            return new Page(total, items);
        });
    }

    private static Query bindFilters(Query query, WorkloadQuery q, Map<String, Object> binds) {
        if (q.workspaceIds() != null) {
            query.bindList("workspaces", new ArrayList<>(q.workspaceIds()));
        }
        if (q.kinds() != null && !q.kinds().isEmpty()) {
            query.bindList("kinds", q.kinds());
        }
        binds.forEach(query::bind);
        return query;
    }

    private static void like(StringBuilder where, Map<String, Object> binds, String column, String value) {
        if (value == null) {
            return;
        }
        String escaped = value.toLowerCase(java.util.Locale.ROOT)
                .replace("!", "!!")
                .replace("%", "!%")
                .replace("_", "!_");
        where.append(" AND LOWER(").append(column).append(") LIKE :like_").append(column).append(" ESCAPE '!'");
        binds.put("like_" + column, "%" + escaped + "%");
    }

    private static <S extends org.jdbi.v3.core.statement.SqlStatement<S>> S bindAll(S u, Workload w) {
        WorkloadSpec s = w.spec();
        return u.bind("id", w.id())
                .bind("uid", w.uid())
                .bind("workspace_id", s.workspaceId())
                .bind("kind", s.kind().name())
                .bind("display_name", s.displayName())
                .bind("description", s.description())
                .bind("user_id", w.userId())
                .bind("user_name", w.userName())
                .bind("cluster_id", w.clusterId())
                .bind("phase", w.phase().name())
                .bind("message", truncate(w.message()))
                .bind("priority", s.priority())
                .bind("creation_time", w.creationTime().toEpochMilli())
                .bind("start_time", millis(w.startTime()))
                .bind("end_time", millis(w.endTime()))
                .bind("deletion_time", millis(w.deletionTime()))
                .bind("dispatch_count", w.dispatchCount())
                .bind("scheduler_order", w.schedulerOrder())
                .bind("retried", w.retried())
                .bind("stop_requested", w.stopRequested())
                .bind("node_port", s.service() == null ? null : s.service().nodePort())
                .bind("k8s_object_uid", w.k8sObjectUid() == null ? "" : w.k8sObjectUid())
                .bind("deleted", w.deleted())
                .bind("expires_at", expiresAt(w))
                .bind("has_cron", !s.cronJobs().isEmpty() && !w.deleted())
                .bind("spec", Json.write(s))
                .bind("status", Json.write(new Status(w.conditions(), w.nodes(), w.ranks())));
    }

    /** The parts of a workload's state that are only ever read whole. */
    record Status(List<Condition> conditions, List<List<String>> nodes, List<List<String>> ranks) {}

    private static Workload map(ResultSet rs, StatementContext ctx) throws SQLException {
        try {
            WorkloadSpec spec = Json.MAPPER.readValue(rs.getString("spec"), WorkloadSpec.class);
            Status status = Json.MAPPER.readValue(rs.getString("status"), Status.class);
            return new Workload(
                    rs.getString("id"),
                    rs.getString("uid"),
                    spec,
                    rs.getString("user_id"),
                    rs.getString("user_name"),
                    rs.getString("cluster_id"),
                    Phase.valueOf(rs.getString("phase")),
                    rs.getString("message"),
                    instant(rs, "creation_time"),
                    instant(rs, "start_time"),
                    instant(rs, "end_time"),
                    instant(rs, "deletion_time"),
                    rs.getInt("dispatch_count"),
                    rs.getInt("scheduler_order"),
                    rs.getBoolean("retried"),
                    rs.getBoolean("stop_requested"),
                    status.conditions() == null ? List.of() : status.conditions(),
                    status.nodes() == null ? List.of() : status.nodes(),
                    status.ranks() == null ? List.of() : status.ranks(),
                    rs.getString("k8s_object_uid"),
                    rs.getBoolean("deleted"),
                    rs.getLong("version"));
        } catch (JsonProcessingException e) {
            throw new SQLException("workload " + rs.getString("id") + " has unreadable JSON", e);
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    /** The TTL deadline of a finished workload whose resources are not yet released. */
    private static Long expiresAt(Workload w) {
        if (!w.phase().isTerminal() || w.deletionTime() != null || w.endTime() == null) {
            return null;
        }
        return w.endTime().toEpochMilli() + w.spec().ttlSecondsAfterFinished() * 1000;
    }

    /** Finished workloads (deleted ones too) whose TTL has run out and whose resources are not yet released. */
    public List<Workload> findExpired(Instant now) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT " + COLUMNS
                        + " FROM workloads WHERE expires_at <= :now ORDER BY expires_at")
                .bind("now", now.toEpochMilli())
                .map(WorkloadStore::map)
                .list());
    }

    /** Live workloads with cron schedules. */
    public List<Workload> findWithCron() {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT " + COLUMNS
                        + " FROM workloads WHERE has_cron AND NOT deleted ORDER BY creation_time, id")
                .map(WorkloadStore::map)
                .list());
    }

    public CronState cronState(String id) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT state FROM cron_state WHERE workload_id = :id")
                .bind("id", id)
                .mapTo(String.class)
                .findOne()
                .map(json -> Json.read(json, CronState.class))
                .orElse(CronState.EMPTY));
    }

    /** The workload's compare-and-set and its cron state, in one transaction. */
    public boolean update(Workload w, CronState cron) {
        return database.jdbi().inTransaction(h -> {
            int updated = bindAll(h.createUpdate(UPDATE), w).bind("version", w.version()).execute();
            if (updated != 1) {
                h.rollback();
                return false;
            }
            String json = Json.write(cron);
            int n = h.createUpdate("UPDATE cron_state SET state = :state WHERE workload_id = :id")
                    .bind("id", w.id())
                    .bind("state", json)
                    .execute();
            if (n == 0) {
                h.createUpdate("INSERT INTO cron_state (workload_id, state) VALUES (:id, :state)")
                        .bind("id", w.id())
                        .bind("state", json)
                        .execute();
            }
            return true;
        });
    }

    /** Workloads (deleted ones too) by id. */
    public List<Workload> findAll(java.util.Collection<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return database.jdbi().withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM workloads WHERE id IN (<ids>)")
                .bindList("ids", List.copyOf(ids))
                .map(WorkloadStore::map)
                .list());
    }

    /**
     * Starts a run: the workload's compare-and-set and its pod rows in one transaction, so there is never a
     * running workload without pods nor pods without their run.
     */
    public boolean startRun(Workload w, List<PodRecord> pods) {
        return database.jdbi().inTransaction(h -> {
            int updated = bindAll(h.createUpdate(UPDATE), w).bind("version", w.version()).execute();
            if (updated != 1) {
                h.rollback();
                return false;
            }
            PodStore.insertAll(h, pods);
            return true;
        });
    }

    private static Long millis(Instant i) {
        return i == null ? null : i.toEpochMilli();
    }

    private static String truncate(String message) {
        return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE - 1) + "…";
    }

    private static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** For tests and benchmarks: raw access for bulk loading. */
    public <R> R withHandle(java.util.function.Function<Handle, R> f) {
        return database.jdbi().withHandle(f::apply);
    }
}
