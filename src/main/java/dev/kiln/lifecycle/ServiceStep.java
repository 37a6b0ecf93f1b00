package dev.kiln.lifecycle;

import static java.util.Objects.requireNonNull;

import dev.kiln.runtime.PodKey;
import dev.kiln.runtime.PodLaunch;
import dev.kiln.runtime.PodRuntime;
import dev.kiln.runtime.PodStatus;
import dev.kiln.runtime.ServiceNetwork;
import dev.kiln.store.PodRecord;
import dev.kiln.store.PodStore;
import dev.kiln.workload.Condition;
import dev.kiln.workload.Kind;
import dev.kiln.workload.Phase;
import dev.kiln.workload.ProbeSpec;
import dev.kiln.workload.ResourceSpec;
import dev.kiln.workload.ServiceSpec;
import dev.kiln.workload.Workload;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.FileAlreadyExistsException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle of Deployments, StatefulSets and Authoring workloads (SPEC §6, §7.5, §9): restart policy Always with
 * back-off, probes, readiness and the phase it gives, scaling, rolling updates, StatefulSet ordering, host ports and
 * the service endpoints. {@link WorkloadController} calls it once per active workload per pass, with the pass's time.
 */
final class ServiceStep {
    private static final Logger log = LoggerFactory.getLogger(ServiceStep.class);

    /** A rollout whose new pod is not ready this long after it began stops (Kubernetes' progressDeadlineSeconds). */
    static final Duration PROGRESS_DEADLINE = Duration.ofMinutes(10);
    /** A pod leaves the service's endpoints this long before it is stopped, so no new connection reaches it. */
    static final Duration DRAIN = Duration.ofSeconds(1);

    /** Where a new pod goes. */
    record Placement(String node, String gpuIndices) {}

    /** Places one more pod of a running workload in what is free now; empty when it fits nowhere. */
    @FunctionalInterface
    interface Placer {
        Optional<Placement> place(Workload w);
    }

    private final PodStore pods;
    private final PodRuntime runtime;
    private final Probes probes;
    private final ServiceNetwork network;
    private final RandomGenerator random;
    private final Placer placer;
    private final Consumer<Workload> transition;
    private final Consumer<PodKey> stop;
    /** Why Kiln stopped a running pod it means to start again (liveness failure, in-place replacement). */
    private final Map<PodKey, String> stoppedFor = new ConcurrentHashMap<>();
    private final Map<PodKey, Instant> drainUntil = new HashMap<>();

    ServiceStep(PodStore pods, PodRuntime runtime, Probes probes, ServiceNetwork network, RandomGenerator random,
            Placer placer, Consumer<Workload> transition, Consumer<PodKey> stop) {
        this.pods = requireNonNull(pods, "pods is null");
        this.runtime = requireNonNull(runtime, "runtime is null");
        this.probes = requireNonNull(probes, "probes is null");
        this.network = requireNonNull(network, "network is null");
        this.random = requireNonNull(random, "random is null");
        this.placer = requireNonNull(placer, "placer is null");
        this.transition = requireNonNull(transition, "transition is null");
        this.stop = requireNonNull(stop, "stop is null");
    }

    static boolean restarts(Kind kind) {
        return kind != Kind.PyTorchJob;
    }

    /** A pod of a wanted run of {@code w} ended: it waits out its back-off (or none, when replaced), then starts again. */
    void exited(Workload w, PodRecord pod, PodStatus.Exited exited, Instant now) {
        PodKey key = WorkloadController.key(pod);
        String why = stoppedFor.remove(key);
        drainUntil.remove(key);
        if ("Replaced".equals(why)) {
            ResourceSpec r = w.spec().resource();
            pods.update(pod.waiting(exited.endTime(), exited.exitCode(), "Replaced", "stopped to roll out revision "
                    + PodTemplate.hash(w.spec()), now, 0)
                    .revived(pod.node(), pod.gpuIndices(), r.cpuMillis(), pod.gpu(), r.memoryBytes(), r.ephemeralBytes(),
                            PodTemplate.hash(w.spec()), now));
            return;
        }
        String reason = why != null ? why : exited.reason();
        int streak = BackOff.streakAfterExit(pod.crashStreak(), pod.startTime(), exited.endTime());
        Duration delay = BackOff.delay(streak);
        String message = (why != null ? "failed its liveness probe (GET " + w.spec().liveness().path() + "); " : "")
                + exited.message() + "; restarting in " + delay.toSeconds() + "s";
        pods.update(pod.waiting(exited.endTime(), exited.exitCode(), reason, message, now.plus(delay), streak));
    }

    /** Starts a pod's process: the first time, or again under the same key. */
    void launch(Workload w, PodRecord pod, List<PodRecord> run, Instant now) {
        PodKey key = WorkloadController.key(pod);
        PodLaunch launch = new PodLaunch(key, pod.node(), pod.container(), w.spec().script(),
                PodPlans.env(w, pod, run, 0, "127.0.0.1"), w.kind() == Kind.StatefulSet ? Integer.toString(pod.ordinal()) : null);
        boolean first = pod.startTime() == null;
        try {
            if (first) {
                try {
                    runtime.start(launch);
                } catch (FileAlreadyExistsException again) {
                    runtime.restart(launch); // revived: the pod ran before under this key
                }
                pods.update(pod.running(now));
            } else {
                runtime.restart(launch);
                pods.update(pod.restarted(now));
            }
        } catch (IOException | RuntimeException e) {
            log.warn("could not start pod {}: {}", pod.podId(), e.toString());
            int streak = pod.crashStreak() + 1;
            Duration delay = BackOff.delay(streak);
            pods.update(pod.waiting(now, 128, "StartError", "could not start: " + e.getMessage() + "; retrying in "
                    + delay.toSeconds() + "s", now.plus(delay), streak));
        }
    }

    /**
     * One pass over an active workload's current run: restarts that are due, liveness failures, retired pods,
     * scaling and rollout, then the phase. Returns the probe targets of its running pods.
     */
    List<Probes.Target> evaluate(Workload w, Instant now) {
        List<PodRecord> run = pods.of(w.id(), w.dispatchCount());
        String revision = PodTemplate.hash(w.spec());
        for (PodRecord p : run) {
            if (!p.isLive()) {
                continue;
            }
            PodKey key = WorkloadController.key(p);
            if (p.retired()) {
                if (p.phase().equals(PodRecord.WAITING)) {
                    pods.update(p.ended(now, p.exitCode() == null ? 0 : p.exitCode(), "Retired", "scaled down or replaced"));
                } else if (!now.isBefore(drainUntil.getOrDefault(key, Instant.MIN))) {
                    drainUntil.remove(key);
                    stop.accept(key);
                }
            } else if (p.phase().equals(PodRecord.WAITING) && p.restartAt() != null && !now.isBefore(p.restartAt())) {
                launch(w, p, run, now);
            } else if (p.phase().equals(PodRecord.RUNNING) && !stoppedFor.containsKey(key)
                    && probes.livenessFailed(key, p.startTime(), w.spec().liveness())) {
                ProbeSpec l = w.spec().liveness();
                log.info("pod {} failed its liveness probe {} times: restarting it", p.podId(), l.failureThreshold());
                stoppedFor.put(key, "LivenessProbeFailed");
                stop.accept(key);
                Workload.Builder b = w.toBuilder();
                b.phase = w.phase() == Phase.Updating ? Phase.Updating : Phase.NotReady;
                b.condition(Condition.of("NotReady", "LivenessProbeFailed", "pod " + p.podId() + " failed its liveness probe GET "
                        + l.path() + " " + l.failureThreshold() + " times in a row; restarting it", now));
                transition.accept(b.build());
                return List.of(); // the workload changed: the next pass goes on from the new state
            }
        }
        run = pods.of(w.id(), w.dispatchCount());
        boolean changed = switch (w.kind()) {
            case Deployment -> deployment(w, run, revision, now);
            case StatefulSet -> statefulSet(w, run, revision, now);
            case Authoring, PyTorchJob -> false;
        };
        if (changed) {
            run = pods.of(w.id(), w.dispatchCount());
        }
        phase(w, run, revision, now);
        List<Probes.Target> targets = new ArrayList<>();
        for (PodRecord p : run) {
            if (p.phase().equals(PodRecord.RUNNING) && !p.retired() && p.startTime() != null) {
                targets.add(new Probes.Target(WorkloadController.key(p), p.startTime(), p.port(), w.spec().readiness(),
                        w.spec().liveness()));
            }
        }
        return targets;
    }

    /** The endpoints a service routes to: running, not retired, ready pods. */
    void publish(Workload w) {
        ServiceSpec s = w.spec().service();
        if (s == null || s.port() == null) {
            return;
        }
        List<ServiceNetwork.Endpoint> ready = new ArrayList<>();
        for (PodRecord p : pods.of(w.id(), w.dispatchCount())) {
            if (!p.retired() && ready(w, p) && p.port() > 0) {
                ready.add(new ServiceNetwork.Endpoint(p.podId(), "127.0.0.1", p.port()));
            }
        }
        boolean nodePort = "NodePort".equals(s.serviceType());
        network.publish(new ServiceNetwork.Binding(w.id(), nodePort ? "NodePort" : "ClusterIP",
                s.protocol() == null ? "TCP" : s.protocol(), nodePort ? s.nodePort() : s.port()), ready);
    }

    boolean ready(Workload w, PodRecord p) {
        return p.phase().equals(PodRecord.RUNNING) && p.startTime() != null
                && probes.ready(WorkloadController.key(p), p.startTime(), w.spec().readiness());
    }

    private List<PodRecord> current(List<PodRecord> run) {
        return run.stream().filter(p -> p.isLive() && !p.retired()).toList();
    }

    private boolean draining(List<PodRecord> run) {
        return run.stream().anyMatch(p -> p.retired() && p.isLive());
    }

    private void retire(PodRecord p, Instant now) {
        pods.update(p.asRetired());
        drainUntil.put(WorkloadController.key(p), now.plus(DRAIN));
    }

    /** Deployment: surge one new pod, wait until it is ready, retire one old pod; scale to replica. */
    private boolean deployment(Workload w, List<PodRecord> run, String revision, Instant now) {
        int desired = w.spec().replica();
        List<PodRecord> cur = current(run);
        List<PodRecord> old = cur.stream().filter(p -> !p.template().equals(revision)).toList();
        List<PodRecord> fresh = cur.stream().filter(p -> p.template().equals(revision)).toList();
        Comparator<PodRecord> victimOrder = Comparator.comparing((PodRecord p) -> ready(w, p))
                .thenComparing(Comparator.comparingInt(PodRecord::ordinal).reversed());
        if (old.isEmpty()) {
            if (cur.size() > desired) {
                cur.stream().sorted(victimOrder).limit(cur.size() - desired).forEach(p -> retire(p, now));
                return true;
            }
            boolean added = false;
            for (int i = cur.size(); i < desired; i++) {
                added |= addPod(w, run, revision, now);
            }
            return added;
        }
        if (halted(w, revision) || draining(run) || w.phase() != Phase.Updating) {
            return false;
        }
        long readyCount = cur.stream().filter(p -> ready(w, p)).count();
        PodRecord victim = old.stream().sorted(victimOrder).findFirst().orElseThrow();
        boolean victimReady = ready(w, victim);
        if (readyCount - (victimReady ? 1 : 0) >= desired || (!victimReady && cur.size() > desired) || cur.size() > desired + 1) {
            retire(victim, now);
            return true;
        }
        if (fresh.stream().allMatch(p -> ready(w, p)) && cur.size() < desired + 1 && fresh.size() < desired) {
            return addPod(w, run, revision, now);
        }
        return false;
    }

    /**
     * StatefulSet: ordinals 0..replica-1, each started once the one before is ready; scale-down retires the highest
     * first; a rollout replaces pods in place (stable names), highest ordinal first, one at a time.
     */
    private boolean statefulSet(Workload w, List<PodRecord> run, String revision, Instant now) {
        int desired = w.spec().replica();
        List<PodRecord> cur = current(run);
        if (draining(run)) {
            return false;
        }
        Optional<PodRecord> extra = cur.stream().filter(p -> p.ordinal() >= desired).max(Comparator.comparingInt(PodRecord::ordinal));
        if (extra.isPresent()) {
            retire(extra.get(), now);
            return true;
        }
        for (int i = 0; i < desired; i++) {
            int ordinal = i;
            Optional<PodRecord> live = cur.stream().filter(p -> p.ordinal() == ordinal).findFirst();
            if (live.isPresent()) {
                PodRecord p = live.get();
                if (p.phase().equals(PodRecord.WAITING) && p.restartAt() == null) {
                    launch(w, p, run, now); // its predecessors are all ready
                    return true;
                }
                if (!ready(w, p)) {
                    return false; // ordered: the next ordinal waits for this one
                }
                continue;
            }
            // missing: a new ordinal, or one scaled down before and wanted again
            Optional<Placement> where = placer.place(w);
            if (where.isEmpty()) {
                return false;
            }
            ResourceSpec r = w.spec().resource();
            Optional<PodRecord> before = run.stream().filter(p -> p.ordinal() == ordinal).findFirst();
            PodRecord row;
            if (before.isPresent()) {
                row = before.get().revived(where.get().node(), where.get().gpuIndices(), r.cpuMillis(), r.gpuCount(),
                        r.memoryBytes(), r.ephemeralBytes(), revision, now);
                pods.update(row);
            } else {
                row = newRow(w, ordinal, w.id() + "-" + ordinal, where.get(), revision, now);
                pods.insertAll(List.of(row));
            }
            List<PodRecord> withIt = new ArrayList<>(run);
            withIt.add(row);
            launch(w, row, withIt, now);
            return true;
        }
        if (halted(w, revision) || w.phase() != Phase.Updating || !stoppedFor.isEmpty() && cur.stream()
                .anyMatch(p -> stoppedFor.containsKey(WorkloadController.key(p)))) {
            return false;
        }
        if (!cur.stream().allMatch(p -> ready(w, p))) {
            return false;
        }
        Optional<PodRecord> stale = cur.stream().filter(p -> !p.template().equals(revision))
                .max(Comparator.comparingInt(PodRecord::ordinal));
        if (stale.isPresent()) {
            PodKey key = WorkloadController.key(stale.get());
            stoppedFor.put(key, "Replaced");
            stop.accept(key);
            return true;
        }
        return false;
    }

    private boolean addPod(Workload w, List<PodRecord> run, String revision, Instant now) {
        Optional<Placement> where = placer.place(w);
        if (where.isEmpty()) {
            log.debug("no room for another pod of {}", w.id());
            return false;
        }
        int ordinal = run.stream().mapToInt(PodRecord::ordinal).max().orElse(-1) + 1;
        Set<String> ids = new HashSet<>();
        run.forEach(p -> ids.add(p.podId()));
        String podId;
        do {
            podId = PodPlans.podId(w, ordinal, random);
        } while (ids.contains(podId));
        PodRecord row = newRow(w, ordinal, podId, where.get(), revision, now);
        pods.insertAll(List.of(row));
        List<PodRecord> withIt = new ArrayList<>(run);
        withIt.add(row);
        launch(w, row, withIt, now);
        return true;
    }

    private PodRecord newRow(Workload w, int ordinal, String podId, Placement where, String revision, Instant now) {
        ResourceSpec r = w.spec().resource();
        long onNode = pods.live().stream().filter(p -> p.workloadId().equals(w.id()) && p.node().equals(where.node())).count();
        int port = hostPort(w, onNode == 0);
        return new PodRecord(w.id(), w.dispatchCount(), podId, ordinal, where.node(), "", PodPlans.container(w.kind()),
                PodRecord.PENDING, r.cpuMillis(), r.gpuCount(), r.memoryBytes(), r.ephemeralBytes(), where.gpuIndices(),
                null, null, null, "", "", 0, false, port, revision, null, 0, false);
    }

    /**
     * A free host port for a new pod, not given to any live pod: the service's targetPort when this is the
     * workload's only pod on its node and the port is free, else one the OS says is free. Authoring pods get none.
     */
    int hostPort(Workload w, boolean aloneOnNode) {
        if (!w.kind().isService()) {
            return 0;
        }
        Set<Integer> taken = new HashSet<>();
        pods.live().forEach(p -> taken.add(p.port()));
        ServiceSpec s = w.spec().service();
        if (s != null && s.targetPort() != null && aloneOnNode && !taken.contains(s.targetPort()) && free(s.targetPort())) {
            return s.targetPort();
        }
        for (int attempt = 0; attempt < 20; attempt++) {
            int port = freePort();
            if (!taken.contains(port)) {
                return port;
            }
        }
        return freePort();
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("no free port for PORT", e);
        }
    }

    /** The last Updating condition, if it is the one that stopped the rollout of {@code revision}. */
    private static boolean halted(Workload w, String revision) {
        Condition last = lastUpdating(w);
        return last != null && last.status().equals("False") && last.message().contains("revision " + revision);
    }

    private static Condition lastUpdating(Workload w) {
        List<Condition> cs = w.conditions();
        for (int i = cs.size() - 1; i >= 0; i--) {
            if (cs.get(i).type().equals("Updating")) {
                return cs.get(i);
            }
        }
        return null;
    }

    /**
     * The phase from the pods: {@code Updating} while a rollout runs (and the checks that stop it), else
     * {@code Running} when all replicas are ready and {@code NotReady} when not, each change with a condition.
     */
    private void phase(Workload w, List<PodRecord> run, String revision, Instant now) {
        int desired = w.spec().replica();
        List<PodRecord> cur = current(run);
        long readyCount = cur.stream().filter(p -> ready(w, p)).count();
        boolean rolling = w.kind().isService() && cur.stream().anyMatch(p -> !p.template().equals(revision));
        if (rolling && !halted(w, revision)) {
            Condition last = lastUpdating(w);
            if (w.phase() != Phase.Updating || last == null || !last.status().equals("True")
                    || !last.message().contains("revision " + revision)) {
                Workload.Builder b = w.toBuilder();
                b.phase = Phase.Updating;
                long stale = cur.stream().filter(p -> !p.template().equals(revision)).count();
                b.condition(Condition.of("Updating", "RollingUpdate", "rolling out revision " + revision + " to " + stale
                        + " pod" + (stale == 1 ? "" : "s") + ", one at a time", now));
                transition.accept(b.build());
                return;
            }
            String stop = null;
            String reason = null;
            if (!now.isBefore(last.lastTransitionTime().plus(PROGRESS_DEADLINE))) {
                reason = "ProgressDeadlineExceeded";
                stop = "no progress within " + PROGRESS_DEADLINE.toMinutes() + "m";
            }
            ProbeSpec readiness = w.spec().readiness();
            if (readiness != null && readiness.path() != null) {
                int threshold = readiness.failureThreshold() == null ? 3 : readiness.failureThreshold();
                for (PodRecord p : cur) {
                    if (p.template().equals(revision) && p.startTime() != null && p.phase().equals(PodRecord.RUNNING)
                            && probes.readinessFailures(WorkloadController.key(p), p.startTime()) >= threshold) {
                        reason = "ReadinessProbeFailed";
                        stop = "new pod " + p.podId() + " failed its readiness probe GET " + readiness.path() + " "
                                + threshold + " times in a row";
                    }
                }
            }
            if (stop != null) {
                Workload.Builder b = w.toBuilder();
                b.phase = readyCount >= desired ? Phase.Running : Phase.NotReady;
                long stale = cur.stream().filter(p -> !p.template().equals(revision)).count();
                b.condition(new Condition("Updating", "False", reason, "rollout of revision " + revision + " stopped: "
                        + stop + "; " + stale + " pod" + (stale == 1 ? "" : "s") + " still run the previous revision", now));
                transition.accept(b.build());
            }
            return;
        }
        Phase target = readyCount >= desired ? Phase.Running : Phase.NotReady;
        if (w.phase() == target) {
            return;
        }
        Workload.Builder b = w.toBuilder();
        b.phase = target;
        String counts = readyCount + " of " + desired + " replica" + (desired == 1 ? "" : "s") + " ready";
        if (target == Phase.Running) {
            b.condition(Condition.of("Ready", w.phase() == Phase.Updating ? "RolloutComplete" : "AllReplicasReady",
                    counts + (w.phase() == Phase.Updating ? "; revision " + revision + " rolled out" : ""), now));
        } else {
            String[] cause = notReadyCause(w, cur, desired);
            b.condition(Condition.of("NotReady", cause[0], counts + "; " + cause[1], now));
        }
        transition.accept(b.build());
    }

    private String[] notReadyCause(Workload w, List<PodRecord> cur, int desired) {
        for (PodRecord p : cur) {
            if (p.phase().equals(PodRecord.WAITING) && p.restartAt() != null) {
                String reason = switch (p.reason()) {
                    case "LivenessProbeFailed" -> "LivenessProbeFailed";
                    case "Lost" -> "PodLost";
                    case "StartError" -> "StartError";
                    default -> "ExitCode";
                };
                return new String[] {reason, "pod " + p.podId() + " " + p.message()};
            }
        }
        for (PodRecord p : cur) {
            if (!ready(w, p)) {
                String what = p.phase().equals(PodRecord.RUNNING)
                        ? "is not ready" + (w.spec().readiness() != null ? " (readiness GET " + w.spec().readiness().path() + ")" : "")
                        : "is waiting to start";
                return new String[] {p.phase().equals(PodRecord.RUNNING) ? "ReadinessProbe" : "Starting", "pod " + p.podId() + " " + what};
            }
        }
        return new String[] {"Scaling", (desired - cur.size()) + " more pod" + (desired - cur.size() == 1 ? "" : "s") + " to start"};
    }
}
