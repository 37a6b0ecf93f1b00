package dev.kiln.lifecycle;

import dev.kiln.TestingClock;
import dev.kiln.auth.Caller;
import dev.kiln.service.Cluster;
import dev.kiln.service.WorkloadService;
import dev.kiln.store.Database;
import dev.kiln.store.PodRecord;
import dev.kiln.store.PodStore;
import dev.kiln.store.WorkloadStore;
import dev.kiln.workload.CronJobSpec;
import dev.kiln.workload.GroupVersionKind;
import dev.kiln.workload.Node;
import dev.kiln.workload.ResourceSpec;
import dev.kiln.workload.Workload;
import dev.kiln.workload.WorkloadIds;
import dev.kiln.workload.WorkloadSpec;
import dev.kiln.workload.WorkloadValidator;
import dev.kiln.workload.Workspace;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The lifecycle's real parts — H2, stores, validator, service, controller — around a {@link FakeRuntime}, driven
 * step by step with a {@link TestingClock}: no sleeps, no background passes.
 */
final class LifecycleHarness implements AutoCloseable {
    static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");
    static final long GI = 1L << 30;

    final TestingClock clock = new TestingClock(T0);
    final Database database;
    final WorkloadStore store;
    final PodStore pods;
    final Cluster cluster;
    final FakeRuntime runtime = new FakeRuntime(clock);
    final WorkloadService service;
    final LifecycleSettings settings;
    WorkloadController controller;
    final Caller admin = new Caller("admin", "admin", true, Set.of());

    LifecycleHarness(Path dir, LifecycleSettings settings) {
        this(dir, settings, List.of(
                new Node("node-a", 8000, 1, 32 * GI, 500 * GI, Map.of(), List.of()),
                new Node("node-b", 8000, 1, 32 * GI, 500 * GI, Map.of(), List.of())));
    }

    LifecycleHarness(Path dir, LifecycleSettings settings, List<Node> nodes) {
        this.settings = settings;
        database = Database.open("jdbc:h2:file:" + dir.resolve("kiln").toAbsolutePath(), "", "");
        store = new WorkloadStore(database);
        pods = new PodStore(database);
        cluster = new Cluster("local", ZoneOffset.UTC, false, nodes,
                List.of(new Workspace("default", null, Map.of(), null, Set.of(), true)), store);
        service = new WorkloadService(store, new WorkloadValidator(cluster), new WorkloadIds(new Random(7)), clock,
                "local", id -> {});
        controller = newController();
    }

    WorkloadController newController() {
        WorkloadController c = new WorkloadController(store, pods, runtime, cluster, clock, settings, new Random(11));
        c.spawnInline();
        return c;
    }

    static LifecycleSettings settings() {
        return LifecycleSettings.defaults();
    }

    static WorkloadSpec.Builder job(String name) {
        WorkloadSpec.Builder b = new WorkloadSpec.Builder();
        b.displayName = name;
        b.workspaceId = "default";
        b.entryPoint = Base64.getEncoder().encodeToString("true".getBytes(StandardCharsets.UTF_8));
        b.resource = new ResourceSpec(1, "1", "0", "1Gi", "1Gi", null);
        return b;
    }

    static WorkloadSpec.Builder kind(WorkloadSpec.Builder b, String kind) {
        b.groupVersionKind = new GroupVersionKind(null, null, kind);
        return b;
    }

    static CronJobSpec cron(String schedule, String action) {
        return new CronJobSpec(schedule, action);
    }

    String create(WorkloadSpec.Builder b) {
        return service.create(admin, b.build());
    }

    Workload get(String id) {
        return store.findIncludingDeleted(id).orElseThrow();
    }

    void run() {
        controller.runOnce(clock.instant());
    }

    List<PodRecord> podsOf(String id) {
        Workload w = get(id);
        return pods.of(id, w.dispatchCount());
    }

    /** Every running pod of the workload's current run exits with {@code code}, then a pass records it. */
    void finish(String id, int code) {
        runtime.exitAll(id, code);
        run();
    }

    @Override
    public void close() {
        controller.close();
        database.close();
    }
}
