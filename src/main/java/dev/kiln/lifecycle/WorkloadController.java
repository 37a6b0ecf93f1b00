package dev.kiln.lifecycle;

import static java.util.Objects.requireNonNull;

import dev.kiln.runtime.PodKey;
import dev.kiln.runtime.PodLaunch;
import dev.kiln.runtime.PodRuntime;
import dev.kiln.runtime.PodStatus;
import dev.kiln.runtime.ServiceNetwork;
import dev.kiln.scheduler.Decision;
import dev.kiln.scheduler.NodeInfo;
import dev.kiln.scheduler.PendingWorkload;
import dev.kiln.scheduler.Resources;
import dev.kiln.scheduler.Scheduler;
import dev.kiln.scheduler.Snapshot;
import dev.kiln.scheduler.WorkspacePool;
import dev.kiln.service.Cluster;
import dev.kiln.store.PodRecord;
import dev.kiln.store.PodStore;
import dev.kiln.store.WorkloadStore;
import dev.kiln.workload.Condition;
import dev.kiln.workload.Kind;
import dev.kiln.workload.Node;
import dev.kiln.workload.Phase;
import dev.kiln.workload.ResourceSpec;
import dev.kiln.workload.Workload;
import dev.kiln.workload.Workspace;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle loop: turns what users asked for (stored workloads) and what the runtime observed (pod exits) into
 * runs. One pass ({@link #runOnce}) records pod exits, stops pods that should not run, ends or retries runs,
 * enforces timeouts, resolves dependencies, schedules the queue, starts pods and releases expired ones. Passes
 * run on one thread, every second and whenever something happens, so the API never waits for them.
 */
public final class WorkloadController implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkloadController.class);
    private static final List<Phase> ACTIVE = List.of(Phase.Running, Phase.Updating, Phase.NotReady);

    private final WorkloadStore workloads;
    private final PodStore pods;
    private final PodRuntime runtime;
    private final Cluster cluster;
    private final Clock clock;
    private final Duration stopGrace;
    private final LifecycleSettings settings;
    private final CronStep cron;
    private final RandomGenerator random;
    private Instant lastRetention = Instant.MIN;
    private final Scheduler scheduler = new Scheduler();
    private final ConcurrentLinkedQueue<PodStatus> exits = new ConcurrentLinkedQueue<>();
    /** Pending workloads as last read, by id; loop thread only. */
    private final Map<String, Workload> pendingCache = new HashMap<>();
    /** Spawns of new runs' pods, done off the loop thread so that a slow fork never delays the next pass. */
    private final ConcurrentLinkedQueue<Spawned> spawned = new ConcurrentLinkedQueue<>();
    private final java.util.concurrent.ExecutorService spawnerThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "kiln-spawner");
        t.setDaemon(true);
        return t;
    });
    private java.util.concurrent.Executor spawner = spawnerThread;
    private final Set<PodKey> stopping = new HashSet<>();
    private final ScheduledExecutorService loop;
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile long nextPassNanos = System.nanoTime();
    /** Until start(), passes run only when called (tests drive runOnce step by step). */
    private volatile boolean started;
    private final Probes probes;
    private final ServiceNetwork network;
    private final ServiceStep services;

    public WorkloadController(
            WorkloadStore workloads, PodStore pods, PodRuntime runtime, Cluster cluster, Clock clock,
            LifecycleSettings settings, RandomGenerator random) {
        this(workloads, pods, runtime, cluster, clock, settings, random, Probes.http(), ServiceNetwork.none());
    }

    /**
     * @param probes runs the readiness and liveness probes of service pods (owned: closed with the controller)
     * @param network where services are published (owned: closed with the controller)
     */
    public WorkloadController(
            WorkloadStore workloads, PodStore pods, PodRuntime runtime, Cluster cluster, Clock clock,
            LifecycleSettings settings, RandomGenerator random, Probes probes, ServiceNetwork network) {
        this.probes = requireNonNull(probes, "probes is null");
        this.network = requireNonNull(network, "network is null");
        this.workloads = requireNonNull(workloads, "workloads is null");
        this.pods = requireNonNull(pods, "pods is null");
        this.runtime = requireNonNull(runtime, "runtime is null");
        this.cluster = requireNonNull(cluster, "cluster is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.stopGrace = settings.stopGracePeriod();
        this.cron = new CronStep(workloads, settings.timeZone());
        this.random = requireNonNull(random, "random is null");
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kiln-lifecycle");
            t.setDaemon(true);
            return t;
        });
        this.services = new ServiceStep(pods, runtime, probes, network, this.random, this::placeOne, this::transition,
                this::stopOnce);
        runtime.onExit(status -> {
            exits.add(status);
            kick();
        });
    }

    /** What a workload's service looks like now (address, port, ready endpoints); empty without one. */
    public java.util.Optional<ServiceNetwork.Status> serviceStatus(String workloadId) {
        return network.status(workloadId);
    }

    private void stopOnce(PodKey key) {
        if (stopping.add(key)) {
            runtime.stop(key, stopGrace);
        }
    }

    /** Re-adopts the pods a previous server left, then runs a pass every second. */
    public void start() {
        started = true;
        loop.execute(() -> recover(clock.instant()));
        loop.scheduleWithFixedDelay(this::pass, 1, 1, TimeUnit.SECONDS);
    }

    /** Asks for a pass soon; several kicks before it runs make one pass. Before {@link #start()}, a no-op. */
    public void kick() {
        if (started && queued.compareAndSet(false, true)) {
            try {
                // paced: a pass follows the last one after at least as long as that one took, so the loop uses at
                // most about half a core however fast events come, and cheap passes still follow at once
                long wait = Math.max(0, nextPassNanos - System.nanoTime());
                loop.schedule(this::pass, wait, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                queued.set(false);
            }
        }
    }

    private void pass() {
        queued.set(false);
        long began = System.nanoTime();
        try {
            runOnce(clock.instant());
        } catch (RuntimeException e) {
            log.error("lifecycle pass failed; the next one retries", e);
        }
        long ended = System.nanoTime();
        nextPassNanos = ended + (ended - began);
    }

    /**
     * At start-up: every pod the database says is live is matched with what the runtime found. Live processes are
     * tracked again; those that ended while Kiln was down get their real exit codes; rows whose process is gone
     * without a trace are Lost; processes without a live row are stopped, so none is left untracked.
     */
    public void recover(Instant now) {
        Map<PodKey, PodStatus> found = new HashMap<>();
        for (PodStatus s : runtime.adopt()) {
            found.put(s.key(), s);
        }
        Set<PodKey> known = new HashSet<>();
        for (PodRecord pod : pods.live()) {
            PodKey key = key(pod);
            known.add(key);
            PodStatus status = found.getOrDefault(key, new PodStatus.Unknown(key, "no process"));
            if (pod.phase().equals(PodRecord.WAITING)) {
                // no process expected; one found was spawned just before the server went away
                if (status instanceof PodStatus.Running running) {
                    pods.update(pod.startTime() == null ? pod.running(running.startTime()) : pod.restarted(running.startTime()));
                }
                continue;
            }
            switch (status) {
                case PodStatus.Running running -> {
                    if (pod.phase().equals(PodRecord.PENDING)) {
                        pods.update(pod.running(running.startTime()));
                    }
                }
                case PodStatus.Exited exited -> exited(pod, exited, now);
                case PodStatus.Unknown unknown -> exited(pod, new PodStatus.Exited(key, pod.node(), null, pod.startTime(),
                        now, 137, "Lost", "was lost: its process was not found when Kiln started"), now);
            }
        }
        for (PodStatus s : found.values()) {
            if (s instanceof PodStatus.Running && !known.contains(s.key())) {
                log.warn("stopping pod {}: it has no live record", s.key());
                runtime.stop(s.key(), stopGrace);
            }
        }
        runOnce(now);
    }

    /** One pass of the loop at time {@code now}. */
    public void runOnce(Instant now) {
        recordSpawns();
        recordExits(now);
        if (cron.runOnce(now)) {
            kick();
        }
        stopUnwanted(now);
        List<Probes.Target> targets = new ArrayList<>();
        for (Workload w : workloads.findByPhases(ACTIVE)) {
            evaluate(w, now, targets);
        }
        probes.sync(now, targets);
        publishServices();
        schedule(now);
        releaseExpired(now);
        runtime.sampleLogs(now);
        if (!now.isBefore(lastRetention.plusSeconds(60))) {
            lastRetention = now;
            enforceLogRetention(now);
        }
    }

    /** The outcome of spawning one pod: its start time, or why it could not start. */
    private record Spawned(PodRecord pod, Instant at, Exception failure) {}

    /** Spawns run on the caller's thread: for tests that drive {@link #runOnce} step by step. */
    void spawnInline() {
        spawner = Runnable::run;
    }

    /**
     * Records spawned pods as Running (or as failed to start). Only a row still Pending changes: a pod whose exit
     * was recorded first (a very short script) stays ended. Every pod write happens here, on the loop thread.
     */
    private void recordSpawns() {
        Spawned s;
        while ((s = spawned.poll()) != null) {
            PodRecord pod = s.pod();
            Optional<PodRecord> current = pods.of(pod.workloadId(), pod.dispatch()).stream()
                    .filter(p -> p.podId().equals(pod.podId()) && p.phase().equals(PodRecord.PENDING))
                    .findFirst();
            if (current.isEmpty()) {
                continue;
            }
            if (s.failure() == null) {
                pods.update(current.get().running(s.at()));
            } else {
                log.warn("could not start pod {}: {}", pod.podId(), s.failure().toString());
                pods.update(current.get().ended(s.at(), 128, "StartError", "could not start: " + s.failure().getMessage()));
            }
        }
    }

    private void recordExits(Instant now) {
        PodStatus status;
        while ((status = exits.poll()) != null) {
            if (!(status instanceof PodStatus.Exited exited)) {
                continue;
            }
            PodKey key = exited.key();
            stopping.remove(key);
            if (runtime.status(key) instanceof PodStatus.Running) {
                continue; // the end of an earlier run of a pod that was restarted since
            }
            PodStatus.Exited end = exited;
            pods.of(key.workloadId(), key.dispatch()).stream()
                    .filter(p -> p.podId().equals(key.podId()) && p.hasProcess())
                    .findFirst()
                    .ifPresent(p -> exited(p, end, now));
        }
    }

    /** A pod ended: recorded as ended, or, for a wanted pod of a kind with restart policy Always, set to restart. */
    private void exited(PodRecord pod, PodStatus.Exited exited, Instant now) {
        Workload owner = workloads.find(pod.workloadId()).orElse(null);
        if (owner != null && ServiceStep.restarts(owner.kind()) && !pod.retired() && !owner.deleted()
                && owner.phase().isActive() && owner.dispatchCount() == pod.dispatch()) {
            services.exited(owner, pod, exited, now);
        } else {
            record(pod, exited);
        }
    }

    /** Publishes the ready endpoints of every active service; closes the others. */
    private void publishServices() {
        Set<String> active = new HashSet<>();
        for (Workload w : workloads.findByPhases(ACTIVE)) {
            if (w.kind().isService() && w.spec().service() != null && w.spec().service().port() != null) {
                active.add(w.id());
                services.publish(w);
            }
        }
        network.retain(active);
    }

    private void record(PodRecord pod, PodStatus.Exited exited) {
        pods.update(pod.ended(exited.endTime(), exited.exitCode(), exited.reason(), exited.message()));
    }

    /** Pods of stopped, deleted, finished or superseded runs get SIGTERM (once), then SIGKILL after the grace. */
    private void stopUnwanted(Instant now) {
        List<PodRecord> live = pods.live();
        if (live.isEmpty()) {
            return;
        }
        Map<String, Workload> owners = workloads.findAll(live.stream().map(PodRecord::workloadId).collect(Collectors.toSet()))
                .stream()
                .collect(Collectors.toMap(Workload::id, w -> w));
        for (PodRecord pod : live) {
            Workload owner = owners.get(pod.workloadId());
            boolean wanted = owner != null && !owner.deleted() && owner.phase().isActive()
                    && owner.dispatchCount() == pod.dispatch();
            if (wanted && pod.retired()) {
                continue; // scaled down or replaced: the service step drains it first
            }
            if (!wanted && pod.phase().equals(PodRecord.WAITING)) {
                pods.update(pod.ended(now, pod.exitCode() == null ? 0 : pod.exitCode(), "Stopped",
                        "stopped while waiting to start"));
                continue;
            }
            if (!wanted && pod.phase().equals(PodRecord.RUNNING)) {
                PodKey key = key(pod);
                if (stopping.add(key)) {
                    runtime.stop(key, stopGrace);
                }
            }
        }
    }

    /** Ends, retries or times out one active workload's current run. */
    private void evaluate(Workload w, Instant now, List<Probes.Target> targets) {
        List<PodRecord> run = pods.of(w.id(), w.dispatchCount());
        if (timedOut(w, now)) {
            return;
        }
        if (run.isEmpty()) {
            failRun(w, "PodLost", "run " + w.dispatchCount() + " has no pods", now);
            return;
        }
        if (ServiceStep.restarts(w.kind())) {
            targets.addAll(services.evaluate(w, now));
            return;
        }
        if (w.spec().isSupervised() && hung(w, run, now)) {
            return;
        }
        PodRecord failed = run.stream().filter(p -> p.phase().equals(PodRecord.FAILED)).min(Comparator.comparing(PodRecord::endTime)).orElse(null);
        if (failed != null) {
            failRun(w, reasonOf(failed), "pod " + failed.podId() + " " + failed.message(), now);
            return;
        }
        if (run.stream().allMatch(p -> p.phase().equals(PodRecord.SUCCEEDED))) {
            Workload.Builder b = w.toBuilder();
            b.phase = Phase.Succeeded;
            b.endTime = run.stream().map(PodRecord::endTime).max(Comparator.naturalOrder()).orElse(now);
            b.condition(Condition.of("Succeeded", "Completed", "all " + run.size() + " pods exited with code 0", now));
            transition(b.build());
        }
    }

    /**
     * Supervision (SPEC §7.9): when no pod of the run has written a log byte for the hang timeout (config, or the
     * workload's own {@code KILN_HANG_TIMEOUT} seconds), the run is failed as hung, so maxRetry applies.
     */
    private boolean hung(Workload w, List<PodRecord> run, Instant now) {
        Duration timeout = hangTimeout(w);
        List<PodRecord> live = run.stream().filter(p -> p.phase().equals(PodRecord.RUNNING)).toList();
        if (live.isEmpty()) {
            return false;
        }
        List<String> silent = new ArrayList<>();
        for (PodRecord p : live) {
            Instant last = runtime.lastLogWrite(key(p)).orElse(p.startTime());
            if (last == null || p.startTime() != null && last.isBefore(p.startTime())) {
                last = p.startTime();
            }
            if (last == null || !now.isBefore(last.plus(timeout))) {
                silent.add(p.podId());
            }
        }
        if (silent.size() < live.size()) {
            return false;
        }
        String message = "no log output for " + timeout.getSeconds() + "s from pod" + (silent.size() == 1 ? " " : "s ")
                + String.join(", ", silent);
        Workload.Builder b = w.toBuilder();
        b.condition(Condition.of("Hang", "Hang", message, now));
        failRun(b.build(), "Hang", "run " + w.dispatchCount() + " hung: " + message, now);
        return true;
    }

    private Duration hangTimeout(Workload w) {
        String own = w.spec().env().get("KILN_HANG_TIMEOUT");
        if (own != null) {
            try {
                long seconds = Long.parseLong(own.trim());
                if (seconds > 0) {
                    return Duration.ofSeconds(seconds);
                }
            } catch (NumberFormatException e) {
                // not a number: the configured timeout applies
            }
        }
        return settings.hangTimeout();
    }

    /** Log retention: logs of pods that ended longer ago than the retention go, then the oldest past the size cap. */
    private void enforceLogRetention(Instant now) {
        for (PodRecord pod : pods.endedBefore(now.minus(settings.logRetention()))) {
            purge(pod);
        }
        Long cap = settings.logMaxBytes();
        if (cap == null) {
            return;
        }
        List<PodRecord> kept = pods.withLogs();
        long total = 0;
        long[] sizes = new long[kept.size()];
        for (int i = 0; i < kept.size(); i++) {
            sizes[i] = runtime.logBytes(key(kept.get(i)));
            total += sizes[i];
        }
        for (int i = 0; i < kept.size() && total > cap; i++) {
            if (kept.get(i).isLive()) {
                break; // never the logs of a running pod
            }
            purge(kept.get(i));
            total -= sizes[i];
        }
    }

    private void purge(PodRecord pod) {
        try {
            runtime.purge(key(pod));
            pods.markLogsPurged(pod);
        } catch (IOException e) {
            log.warn("could not purge the logs of pod {}: {}", pod.podId(), e.toString());
        }
    }

    /** The timeout counts from the first start and is not reset by retries (SPEC §6). */
    private boolean timedOut(Workload w, Instant now) {
        long timeout = w.spec().timeout();
        if (timeout == 0 || w.startTime() == null || now.isBefore(w.startTime().plusSeconds(timeout))) {
            return false;
        }
        Workload.Builder b = w.toBuilder();
        b.phase = Phase.Stopped;
        b.endTime = now;
        b.retried = false;
        b.schedulerOrder = 0;
        b.condition(Condition.of("TimedOut", "TimedOut", "timeout of " + timeout + "s since "
                + dev.kiln.workload.Times.format(w.startTime()) + " expired; all pods stopped", now));
        transition(b.build());
        return true;
    }

    private static String reasonOf(PodRecord pod) {
        return switch (pod.reason()) {
            case "Lost" -> "PodLost";
            case "Killed" -> "Killed";
            default -> "ExitCode";
        };
    }

    /** A failed run stops its other pods; it is retried at the front of its priority while the budget lasts. */
    private void failRun(Workload w, String reason, String message, Instant now) {
        Workload.Builder b = w.toBuilder();
        int retryBase = w.spec().cronJobs().isEmpty() ? 0 : workloads.cronState(w.id()).retryBase();
        if (w.dispatchCount() - retryBase <= w.spec().maxRetry()) {
            b.phase = Phase.Pending;
            b.retried = true;
            b.condition(Condition.of("Retrying", reason, message + "; retrying (run " + (w.dispatchCount() - retryBase + 1)
                    + " of at most " + (w.spec().maxRetry() + 1) + ")", now));
        } else {
            b.phase = Phase.Failed;
            b.endTime = now;
            b.retried = false;
            b.condition(Condition.of("Failed", reason, message + (w.spec().maxRetry() > 0
                    ? "; no retries left (" + w.dispatchCount() + " runs)" : ""), now));
        }
        transition(b.build());
    }

    /** A compare-and-set; either way another pass follows soon, to act on the change or to look again. */
    private void transition(Workload next) {
        workloads.update(next);
        kick();
    }

    /**
     * The pending workloads, read cheaply: their ids and versions every pass, whole rows (JSON and all) only for the
     * ones that are new or changed since the last pass. A queue of many thousands costs one index scan a pass.
     */
    private List<Workload> pendingWorkloads() {
        Map<String, Long> versions = workloads.versionsInPhase(Phase.Pending);
        pendingCache.keySet().retainAll(versions.keySet());
        List<String> stale = versions.entrySet().stream()
                .filter(e -> {
                    Workload cached = pendingCache.get(e.getKey());
                    return cached == null || cached.version() != e.getValue();
                })
                .map(Map.Entry::getKey)
                .toList();
        for (int from = 0; from < stale.size(); from += 500) {
            for (Workload w : workloads.findAll(stale.subList(from, Math.min(stale.size(), from + 500)))) {
                if (w.phase() == Phase.Pending && !w.deleted()) {
                    pendingCache.put(w.id(), w);
                } else {
                    pendingCache.remove(w.id());
                }
            }
        }
        return pendingCache.values().stream()
                .sorted(Comparator.comparing(Workload::creationTime).thenComparing(Workload::id))
                .toList();
    }

    private void schedule(Instant now) {
        List<Workload> pending = pendingWorkloads();
        if (pending.isEmpty()) {
            return;
        }
        Usage usage = usage();
        Map<String, Resources> allocated = usage.allocated();
        Map<String, Set<Integer>> gpusInUse = usage.gpusInUse();
        List<Node> nodes = usage.nodes();
        Map<String, WorkspacePool> pools = usage.pools();
        List<PendingWorkload> queue = new ArrayList<>();
        Map<String, Workload> byId = new HashMap<>();
        for (Workload w : pending) {
            if (timedOut(w, now)) {
                continue;
            }
            String hold = dependencyHold(w, now);
            if (hold == null) {
                continue; // failed by its dependency just now
            }
            if (hold.isEmpty()) {
                String cronHold = cron.hold(w, now);
                hold = cronHold == null ? "" : cronHold;
            }
            byId.put(w.id(), w);
            ResourceSpec r = w.spec().resource();
            queue.add(new PendingWorkload(w.id(), w.workspaceId(), w.spec().priority(), w.creationTime(), w.retried(),
                    r.replica(), new Resources(r.cpuMillis(), r.gpuCount(), r.memoryBytes(), r.ephemeralBytes()),
                    w.spec().customerLabels(), w.spec().specifiedNodes(), w.spec().isTolerateAll(),
                    w.kind() == Kind.PyTorchJob, hold.isEmpty() ? null : hold));
        }
        Decision decision = scheduler.schedule(new Snapshot(usage.nodeInfos(), allocated, pools, queue));

        Map<String, Long> nodeGpus = nodes.stream().collect(Collectors.toMap(Node::name, Node::gpu));
        Map<String, WorkloadStore.QueueInfo> info = new LinkedHashMap<>();
        for (PendingWorkload p : queue) {
            List<String> placement = decision.placements().get(p.id());
            if (placement != null) {
                startRun(byId.get(p.id()), placement, gpusInUse, nodeGpus, now);
            } else {
                int order = decision.schedulerOrder().getOrDefault(p.id(), 0);
                String message = decision.messages().getOrDefault(p.id(), "");
                Workload w = byId.get(p.id());
                if (w.schedulerOrder() != order || !w.message().equals(message)) {
                    info.put(p.id(), new WorkloadStore.QueueInfo(order, message)); // only what changed is written
                    Workload.Builder b = w.toBuilder(); // the queue columns do not bump the version: keep the cache true
                    b.schedulerOrder = order;
                    b.message = message;
                    pendingCache.put(w.id(), b.build());
                }
            }
        }
        workloads.updateQueueInfo(info);
    }

    /**
     * "" when every dependency succeeded; a hold message while some have not; null after failing {@code w}
     * because one failed, was stopped or was deleted (SPEC §7.7).
     */
    private String dependencyHold(Workload w, Instant now) {
        List<String> deps = w.spec().dependencies();
        if (deps.isEmpty()) {
            return "";
        }
        Map<String, Workload> found = workloads.findAll(deps).stream().collect(Collectors.toMap(Workload::id, d -> d));
        List<String> waiting = new ArrayList<>();
        for (String id : deps) {
            Workload d = found.get(id);
            String problem = d == null || d.deleted() ? "was deleted"
                    : d.phase() == Phase.Failed || d.phase() == Phase.Stopped ? "is " + d.phase() : null;
            if (problem != null) {
                Workload.Builder b = w.toBuilder();
                b.phase = Phase.Failed;
                b.endTime = now;
                b.retried = false;
                b.condition(Condition.of("Failed", "DependencyFailed", "dependency " + id + " " + problem, now));
                transition(b.build());
                return null;
            }
            if (d.phase() != Phase.Succeeded) {
                waiting.add(id + " is " + d.phase());
            }
        }
        return waiting.isEmpty() ? "" : "waiting for dependencies: " + String.join(", ", waiting);
    }

    /** What the live pods hold, per node and per workspace: the base of every placement. */
    private record Usage(List<Node> nodes, List<NodeInfo> nodeInfos, Map<String, Resources> allocated,
            Map<String, Set<Integer>> gpusInUse, Map<String, WorkspacePool> pools) {}

    private Usage usage() {
        List<PodRecord> live = pods.live();
        Map<String, Resources> allocated = new HashMap<>();
        Map<String, Set<Integer>> gpusInUse = new HashMap<>();
        for (PodRecord p : live) {
            allocated.merge(p.node(), new Resources(p.cpuMillis(), p.gpu(), p.memoryBytes(), p.ephemeralBytes()), Resources::plus);
            Set<Integer> used = gpusInUse.computeIfAbsent(p.node(), n -> new TreeSet<>());
            if (!p.gpuIndices().isEmpty()) {
                for (String i : p.gpuIndices().split(",")) {
                    used.add(Integer.parseInt(i));
                }
            }
        }
        Map<String, Workload> owners = workloads.findAll(live.stream().map(PodRecord::workloadId).collect(Collectors.toSet()))
                .stream().collect(Collectors.toMap(Workload::id, w -> w));
        Map<String, Resources> inUse = new HashMap<>();
        for (PodRecord p : live) {
            Workload owner = owners.get(p.workloadId());
            if (owner != null) {
                inUse.merge(owner.workspaceId(), new Resources(p.cpuMillis(), p.gpu(), p.memoryBytes(), p.ephemeralBytes()), Resources::plus);
            }
        }
        List<Node> nodes = cluster.nodes();
        Map<String, WorkspacePool> pools = new HashMap<>();
        for (Workspace ws : cluster.workspaces()) {
            Set<String> names = ws.eligible(nodes).stream().map(Node::name).collect(Collectors.toSet());
            dev.kiln.scheduler.Quota quota = ws.quota() == null ? null
                    : new dev.kiln.scheduler.Quota(ws.quota().cpuMillis(), ws.quota().gpu(), ws.quota().memoryBytes());
            pools.put(ws.id(), new WorkspacePool(ws.id(), names, quota, inUse.getOrDefault(ws.id(), Resources.ZERO)));
        }
        List<NodeInfo> nodeInfos = nodes.stream()
                .map(n -> new NodeInfo(n.name(), new Resources(n.cpuMillis(), n.gpu(), n.memoryBytes(), n.ephemeralBytes()),
                        n.labels(), n.taints(), true))
                .toList();
        return new Usage(nodes, nodeInfos, allocated, gpusInUse, pools);
    }

    /**
     * One more pod of a running Deployment or StatefulSet (scale-up, rollout): best fit in what the live pods leave
     * free, with the workload's own eligibility and quota rules; queued workloads' reservations are not counted.
     */
    private java.util.Optional<ServiceStep.Placement> placeOne(Workload w) {
        Usage usage = usage();
        ResourceSpec r = w.spec().resource();
        PendingWorkload one = new PendingWorkload(w.id(), w.workspaceId(), w.spec().priority(), w.creationTime(), true, 1,
                new Resources(r.cpuMillis(), r.gpuCount(), r.memoryBytes(), r.ephemeralBytes()),
                w.spec().customerLabels(), List.of(), w.spec().isTolerateAll(), false, null);
        Decision decision = scheduler.schedule(new Snapshot(usage.nodeInfos(), usage.allocated(), usage.pools(), List.of(one)));
        List<String> placement = decision.placements().get(w.id());
        if (placement == null || placement.isEmpty()) {
            return java.util.Optional.empty();
        }
        String node = placement.get(0);
        Map<String, Long> nodeGpus = usage.nodes().stream().collect(Collectors.toMap(Node::name, Node::gpu));
        return java.util.Optional.of(new ServiceStep.Placement(node, assignGpus(node, r.gpuCount(), usage.gpusInUse(), nodeGpus)));
    }

    private void startRun(Workload w, List<String> placement, Map<String, Set<Integer>> gpusInUse, Map<String, Long> nodeGpus, Instant now) {
        int dispatch = w.dispatchCount() + 1;
        ResourceSpec r = w.spec().resource();
        List<PodRecord> run = new ArrayList<>();
        String template = PodTemplate.hash(w.spec());
        Set<Integer> ports = new HashSet<>();
        for (int ordinal = 0; ordinal < placement.size(); ordinal++) {
            String node = placement.get(ordinal);
            String gpuIndices = assignGpus(node, r.gpuCount(), gpusInUse, nodeGpus);
            // StatefulSet: ordinal i starts once i-1 is ready (SPEC §9); until then it waits, holding its place
            String phase = w.kind() == Kind.StatefulSet && ordinal > 0 ? PodRecord.WAITING : PodRecord.PENDING;
            long onNode = placement.stream().filter(node::equals).count();
            int port = 0;
            for (int attempt = 0; w.kind().isService() && attempt < 20 && (port == 0 || ports.contains(port)); attempt++) {
                port = services.hostPort(w, onNode == 1);
                onNode = 2; // a clash means another pod of this run took the target port
            }
            ports.add(port);
            run.add(new PodRecord(w.id(), dispatch, PodPlans.podId(w, ordinal, random), ordinal, node,
                    PodPlans.rank(w, ordinal), PodPlans.container(w.kind()), phase, r.cpuMillis(),
                    r.gpuCount(), r.memoryBytes(), r.ephemeralBytes(), gpuIndices, null, null, null, "", "", 0, false,
                    port, template, null, 0, false));
        }
        Workload.Builder b = w.toBuilder();
        // a service is Running once all its replicas are ready: at once without a readiness probe (a running process
        // counts as ready), else when the probes say so; until then it is NotReady
        boolean waitsForReady = ServiceStep.restarts(w.kind()) && (w.spec().readiness() != null
                || w.kind() == Kind.StatefulSet && placement.size() > 1);
        b.phase = waitsForReady ? Phase.NotReady : Phase.Running;
        b.dispatchCount = dispatch;
        b.retried = false;
        b.schedulerOrder = 0;
        if (b.startTime == null) {
            b.startTime = now;
        }
        b.nodes.add(placement);
        b.ranks.add(run.stream().map(PodRecord::rank).toList());
        b.condition(Condition.of("Scheduled", "Scheduled", "run " + dispatch + " placed on " + String.join(", ", placement), now));
        b.condition(Condition.of("Running", "Started", "run " + dispatch + ": " + run.size() + " pod"
                + (run.size() == 1 ? "" : "s") + " started", now));
        if (!workloads.startRun(b.build(), run)) {
            kick();
            return;
        }
        if (ServiceStep.restarts(w.kind())) {
            Workload started = b.build();
            for (PodRecord pod : run) {
                if (pod.phase().equals(PodRecord.PENDING)) {
                    services.launch(started, pod, run, now);
                }
            }
            return;
        }
        int masterPort = w.kind() == Kind.PyTorchJob ? freePort() : 0;
        List<PodLaunch> launches = run.stream()
                .map(pod -> new PodLaunch(key(pod), pod.node(), pod.container(), w.spec().script(),
                        PodPlans.env(w, pod, run, masterPort, "127.0.0.1")))
                .toList();
        // the run is committed: the pods are spawned off the loop thread and recorded by the next pass
        spawner.execute(() -> {
            for (int i = 0; i < run.size(); i++) {
                try {
                    runtime.start(launches.get(i));
                    spawned.add(new Spawned(run.get(i), now, null));
                } catch (IOException | RuntimeException e) {
                    spawned.add(new Spawned(run.get(i), now, e));
                }
            }
            kick();
        });
        recordSpawns();
    }

    private static String assignGpus(String node, long count, Map<String, Set<Integer>> gpusInUse, Map<String, Long> nodeGpus) {
        if (count == 0) {
            return "";
        }
        Set<Integer> used = gpusInUse.computeIfAbsent(node, n -> new TreeSet<>());
        List<String> picked = new ArrayList<>();
        long capacity = nodeGpus.getOrDefault(node, 0L);
        for (int i = 0; i < capacity && picked.size() < count; i++) {
            if (used.add(i)) {
                picked.add(Integer.toString(i));
            }
        }
        return String.join(",", picked);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("no free port for MASTER_PORT", e);
        }
    }

    /** TTL: a finished workload's pods give back their runtime resources; its logs stay. */
    private void releaseExpired(Instant now) {
        for (Workload w : workloads.findExpired(now)) {
            for (PodRecord pod : pods.allOf(w.id())) {
                if (pod.released()) {
                    continue;
                }
                try {
                    runtime.release(key(pod));
                    pods.update(pod.asReleased());
                } catch (IOException e) {
                    log.warn("could not release pod {}: {}", pod.podId(), e.toString());
                }
            }
            Workload.Builder b = w.toBuilder();
            b.deletionTime = now;
            transition(b.build());
        }
    }

    static PodKey key(PodRecord pod) {
        return new PodKey(pod.workloadId(), pod.dispatch(), pod.podId());
    }

    @Override
    public void close() {
        spawnerThread.shutdown();
        try {
            spawnerThread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loop.shutdownNow();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // after the loop: a pass under way must not publish a service again once the network is closed
        probes.close();
        network.close();
    }
}
