package dev.kiln.bench;

import dev.kiln.scheduler.Decision;
import dev.kiln.scheduler.NodeInfo;
import dev.kiln.scheduler.PendingWorkload;
import dev.kiln.scheduler.Quota;
import dev.kiln.scheduler.Resources;
import dev.kiln.scheduler.Scheduler;
import dev.kiln.scheduler.Snapshot;
import dev.kiln.scheduler.WorkspacePool;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One scheduling pass over a busy cluster: 1,000 nodes of 8 GPUs, 128 cores and 1Ti, about half allocated, and
 * 10,000 pending workloads of 1–8 GPUs per pod and 1–16 pods, across four workspaces with overlapping pools, label
 * requirements, a few tainted nodes, holds and a quota. The product target is at most 50 ms per pass.
 *
 * <p>That cluster is oversubscribed (demand is many times the free GPUs), so most of a pass is deciding that
 * workloads wait and why. The {@code roomy} scenario measures the other end: the same 1,000 nodes empty and 10,000
 * single-pod workloads (half CPU-only, half one GPU) that all fit, so every workload is a best-fit placement.
 *
 * <p>Run with {@code bench/scheduler.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SchedulerBenchmark {
    static final int NODES = 1_000;
    static final int WORKLOADS = 10_000;
    private static final long GIB = 1L << 30;

    private final Scheduler scheduler = new Scheduler();
    private Snapshot snapshot;

    @Param({"busy", "roomy"})
    public String scenario;

    @Setup
    public void setUp() {
        snapshot = scenario.equals("roomy") ? roomy() : cluster(new Random(42));
        Decision decision = scheduler.schedule(snapshot);
        long pods = decision.placements().values().stream().mapToLong(List::size).sum();
        System.out.printf("%nsnapshot %s: %d nodes, %d pending; one pass places %d workloads (%d pods)%n",
                scenario, NODES, WORKLOADS, decision.placements().size(), pods);
    }

    @Benchmark
    public Decision schedule() {
        return scheduler.schedule(snapshot);
    }

    static Snapshot cluster(Random random) {
        List<NodeInfo> nodes = new ArrayList<>(NODES);
        Map<String, Resources> allocated = new HashMap<>();
        for (int i = 0; i < NODES; i++) {
            String name = "node-%04d".formatted(i);
            Map<String, String> labels = Map.of(
                    "zone", i % 2 == 0 ? "a" : "b",
                    "gpu-type", i % 4 == 3 ? "a100" : "h100");
            List<String> taints = i % 50 == 49 ? List.of("maintenance=true:NoSchedule") : List.of();
            nodes.add(new NodeInfo(name, new Resources(128_000, 8, 1024 * GIB, 2048 * GIB), labels, taints, true));
            // running pods use 0–8 GPUs (half on average), with cpu and memory in proportion
            int gpus = random.nextInt(9);
            allocated.put(name, new Resources(gpus * 14_000L + random.nextInt(4_000), gpus,
                    gpus * 112 * GIB + random.nextInt(16) * GIB, gpus * 100 * GIB));
        }
        Map<String, WorkspacePool> workspaces = new HashMap<>();
        workspaces.put("default", pool("default", 0, NODES, null, Resources.ZERO));
        workspaces.put("research", pool("research", 0, 600, new Quota(null, 3_000L, null),
                new Resources(0, 1_200, 0, 0)));
        workspaces.put("prod", pool("prod", 400, NODES, null, Resources.ZERO));
        workspaces.put("team-a", pool("team-a", 0, 300, new Quota(4_000_000L, 400L, null), Resources.ZERO));
        String[] workspaceIds = {"default", "research", "research", "prod", "team-a"};

        List<PendingWorkload> pending = new ArrayList<>(WORKLOADS);
        Instant start = Instant.parse("2026-03-01T00:00:00Z");
        int[] gpuSizes = {1, 1, 1, 2, 2, 4, 4, 8, 8, 8};
        for (int i = 0; i < WORKLOADS; i++) {
            int gpu = gpuSizes[random.nextInt(gpuSizes.length)];
            // most workloads are small; a long tail of big gangs
            int pods = random.nextInt(3) == 0 ? 1 + random.nextInt(16) : 1 + random.nextInt(2);
            boolean pytorchJob = random.nextBoolean();
            Map<String, String> labels = switch (random.nextInt(10)) {
                case 0, 1 -> Map.of("gpu-type", "h100");
                case 2 -> Map.of("zone", "a");
                default -> Map.of();
            };
            String hold = random.nextInt(20) == 0 ? "waiting for dependencies: prep-%d is Running".formatted(i) : null;
            pending.add(new PendingWorkload(
                    "wl-%05d".formatted(i),
                    workspaceIds[random.nextInt(workspaceIds.length)],
                    random.nextInt(3),
                    start.plusSeconds(random.nextInt(86_400)),
                    random.nextInt(50) == 0,
                    pods,
                    new Resources(gpu * 12_000L, gpu, gpu * 96 * GIB, 50 * GIB),
                    labels,
                    List.of(),
                    random.nextInt(20) == 0,
                    pytorchJob,
                    hold));
        }
        return new Snapshot(nodes, allocated, workspaces, pending);
    }

    static Snapshot roomy() {
        List<NodeInfo> nodes = new ArrayList<>(NODES);
        for (int i = 0; i < NODES; i++) {
            nodes.add(new NodeInfo("node-%04d".formatted(i), new Resources(128_000, 8, 1024 * GIB, 2048 * GIB),
                    Map.of(), List.of(), true));
        }
        List<PendingWorkload> pending = new ArrayList<>(WORKLOADS);
        Instant start = Instant.parse("2026-03-01T00:00:00Z");
        for (int i = 0; i < WORKLOADS; i++) {
            int gpu = i % 2;
            pending.add(new PendingWorkload("wl-%05d".formatted(i), "default", i % 3, start.plusSeconds(i), false, 1,
                    new Resources(2_000 + gpu * 10_000L, gpu, 8 * GIB, 10 * GIB), Map.of(), List.of(), false, false,
                    null));
        }
        return new Snapshot(nodes, Map.of(),
                Map.of("default", pool("default", 0, NODES, null, Resources.ZERO)), pending);
    }

    private static WorkspacePool pool(String id, int from, int to, Quota quota, Resources inUse) {
        Set<String> names = new HashSet<>();
        for (int i = from; i < to; i++) {
            names.add("node-%04d".formatted(i));
        }
        return new WorkspacePool(id, names, quota, inUse);
    }
}
