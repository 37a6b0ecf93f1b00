package dev.kiln.bench;

import dev.kiln.store.Database;
import dev.kiln.workload.Condition;
import dev.kiln.workload.GroupVersionKind;
import dev.kiln.workload.Json;
import dev.kiln.workload.ResourceSpec;
import dev.kiln.workload.WorkloadSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Bulk-loads N workloads straight into a Kiln H2 database (migrated through {@link Database#open}), with the
 * columns and JSON that WorkloadStore writes. A realistic mix: 5 workspaces, phases mostly Succeeded/Failed with
 * some Pending/Running/Stopped, ~200 user names, creation times spread over 90 days, 1% deleted.
 *
 * <p>Usage: {@code BulkLoad JDBC_URL [rows=1000000] [seed=42]}
 */
public final class BulkLoad {
    static final String[] WORKSPACES = {"default", "team-a", "team-b", "team-c", "team-d"};
    static final String[] FIRST = {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
            "mallory", "nina", "oscar", "peggy", "quentin", "rupert", "sybil", "trent", "ursula", "victor"};
    static final String[] LAST = {"chen", "smith", "garcia", "mueller", "rossi", "tanaka", "kim", "nguyen", "silva", "novak"};

    /** The ~200 user names (first.last). */
    static List<String> userNames() {
        List<String> names = new ArrayList<>();
        for (String f : FIRST) {
            for (String l : LAST) {
                names.add(f + "." + l);
            }
        }
        return names;
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 42;
        Random rnd = new Random(seed);
        List<String> users = userNames();
        long now = Instant.now().toEpochMilli();
        long span = 90L * 24 * 3600 * 1000;
        String script = Base64.getEncoder().encodeToString("set -e\ntorchrun train.py --epochs 3\n".getBytes());
        String[] models = {"llama", "mistral", "resnet", "bert", "vit", "whisper", "gpt", "t5"};

        long t0 = System.nanoTime();
        try (Database db = Database.open(url, "", "")) {
            db.jdbi().useHandle(h -> {
                Connection c = h.getConnection();
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO workloads (id, uid, workspace_id, kind,"
                        + " display_name, description, user_id, user_name, cluster_id, phase, message, priority,"
                        + " creation_time, start_time, end_time, deletion_time, dispatch_count, scheduler_order, retried,"
                        + " stop_requested, node_port, k8s_object_uid, deleted, version, spec, status)"
                        + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                    for (int i = 0; i < rows; i++) {
                        double r = rnd.nextDouble();
                        String phase = r < 0.60 ? "Succeeded" : r < 0.85 ? "Failed" : r < 0.92 ? "Stopped"
                                : r < 0.96 ? "Running" : "Pending";
                        boolean active = phase.equals("Running") || phase.equals("Pending");
                        String ws = WORKSPACES[rnd.nextInt(100) < 30 ? 0 : 1 + rnd.nextInt(4)];
                        String user = users.get(rnd.nextInt(users.size()));
                        String model = models[rnd.nextInt(models.length)];
                        String display = model + " sweep " + rnd.nextInt(1000);
                        String id = (model + "-sweep-" + Integer.toString(i, 36)).replace('.', '-');
                        // active workloads are recent; finished ones spread over 90 days
                        long created = now - (long) (rnd.nextDouble() * (active ? 3L * 24 * 3600 * 1000 : span));
                        Long start = phase.equals("Pending") ? null : created + rnd.nextInt(600_000);
                        Long end = active ? null : start + rnd.nextInt(36_000_000);
                        int gpu = new int[] {0, 1, 8}[rnd.nextInt(3)];
                        int replica = 1 + rnd.nextInt(4);

                        WorkloadSpec.Builder b = new WorkloadSpec.Builder();
                        b.displayName = display;
                        b.description = "hyper-parameter sweep of " + model;
                        b.workspaceId = ws;
                        b.specifiedNodes = List.of();
                        b.resource = new ResourceSpec(replica, "8", Integer.toString(gpu), "64Gi", "50Gi", "32Gi");
                        b.image = "registry.local/" + model + ":2.4";
                        b.entryPoint = script;
                        b.isSupervised = false;
                        b.priority = rnd.nextInt(10) == 0 ? 1 : 0;
                        b.timeout = 86_400L;
                        b.maxRetry = 2;
                        b.ttlSecondsAfterFinished = 60L;
                        b.customerLabels = Map.of();
                        b.env = Map.of("EPOCHS", "3", "LR", "0.001");
                        b.dependencies = List.of();
                        b.cronJobs = List.of();
                        b.groupVersionKind = new GroupVersionKind(null, "v1", "PyTorchJob");
                        b.isTolerateAll = false;
                        WorkloadSpec spec = b.build();

                        List<Condition> conditions = new ArrayList<>();
                        conditions.add(Condition.of("Queued", "Created", "created by " + user + ", waiting to be scheduled", Instant.ofEpochMilli(created)));
                        if (start != null) {
                            conditions.add(Condition.of("Running", "Scheduled", "all " + replica + " pods started", Instant.ofEpochMilli(start)));
                        }
                        if (end != null) {
                            conditions.add(Condition.of(phase, phase.equals("Failed") ? "ExitCode" : phase.equals("Stopped") ? "UserRequest" : "Completed",
                                    phase.equals("Failed") ? "pod " + id + "-master-0 exited with code 1" : phase.toLowerCase(), Instant.ofEpochMilli(end)));
                        }
                        Map<String, Object> status = new LinkedHashMap<>();
                        status.put("conditions", conditions);
                        status.put("nodes", start == null ? List.of() : List.of(List.of("node-a")));
                        status.put("ranks", start == null ? List.of() : List.of(List.of("0")));

                        int p = 1;
                        ps.setString(p++, id);
                        ps.setString(p++, new UUID(rnd.nextLong(), rnd.nextLong()).toString());
                        ps.setString(p++, ws);
                        ps.setString(p++, "PyTorchJob");
                        ps.setString(p++, display);
                        ps.setString(p++, spec.description());
                        ps.setString(p++, user.replace('.', '-'));
                        ps.setString(p++, user);
                        ps.setString(p++, "local");
                        ps.setString(p++, phase);
                        ps.setString(p++, phase.equals("Pending") ? "queued behind 3 workloads of higher or equal priority" : "");
                        ps.setInt(p++, spec.priority());
                        ps.setLong(p++, created);
                        setLong(ps, p++, start);
                        setLong(ps, p++, end);
                        setLong(ps, p++, end == null ? null : end + 60_000);
                        ps.setInt(p++, start == null ? 0 : 1);
                        ps.setInt(p++, phase.equals("Pending") ? 1 + rnd.nextInt(50) : 0);
                        ps.setBoolean(p++, false);
                        ps.setBoolean(p++, phase.equals("Stopped"));
                        ps.setNull(p++, Types.INTEGER);
                        ps.setString(p++, "");
                        ps.setBoolean(p++, rnd.nextInt(100) == 0);
                        ps.setLong(p++, conditions.size());
                        ps.setString(p++, Json.write(spec));
                        ps.setString(p++, Json.write(status));
                        ps.addBatch();
                        if ((i + 1) % 2000 == 0 || i + 1 == rows) {
                            ps.executeBatch();
                            c.commit();
                        }
                        if ((i + 1) % 100_000 == 0) {
                            System.out.printf("%,d rows, %.0f s%n", i + 1, (System.nanoTime() - t0) / 1e9);
                        }
                    }
                }
                c.setAutoCommit(true);
            });
        }
        System.out.printf("loaded %,d workloads in %.1f s%n", rows, (System.nanoTime() - t0) / 1e9);
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws java.sql.SQLException {
        if (v == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, v);
        }
    }
}
