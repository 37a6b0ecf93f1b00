package dev.kiln.lifecycle;

import static java.util.Objects.requireNonNull;

import dev.kiln.runtime.PodExec;
import dev.kiln.runtime.PodProcess;
import dev.kiln.runtime.PodRuntime;
import dev.kiln.runtime.ServiceNetwork;
import dev.kiln.service.ServiceState;
import dev.kiln.workload.ServiceSpec;
import dev.kiln.service.PodService;
import dev.kiln.store.PodRecord;
import dev.kiln.store.PodStore;
import dev.kiln.workload.KilnException;
import dev.kiln.workload.Pod;
import dev.kiln.workload.Workload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Pods as the database records them, logs and containers as the runtime keeps them. */
public final class RuntimePods implements PodService {
    private final PodStore pods;
    private final PodRuntime runtime;
    private final java.util.function.Function<String, java.util.Optional<ServiceNetwork.Status>> services;

    public RuntimePods(PodStore pods, PodRuntime runtime) {
        this(pods, runtime, id -> java.util.Optional.empty());
    }

    /** @param services what each workload's service looks like now, by workload id */
    public RuntimePods(PodStore pods, PodRuntime runtime,
            java.util.function.Function<String, java.util.Optional<ServiceNetwork.Status>> services) {
        this.pods = requireNonNull(pods, "pods is null");
        this.runtime = requireNonNull(runtime, "runtime is null");
        this.services = requireNonNull(services, "services is null");
    }

    @Override
    public java.util.Optional<ServiceState> service(Workload w) {
        ServiceSpec spec = w.spec().service();
        if (spec == null || spec.port() == null) {
            return java.util.Optional.empty();
        }
        var status = services.apply(w.id());
        boolean nodePort = "NodePort".equals(spec.serviceType());
        int port = nodePort && spec.nodePort() != null ? spec.nodePort() : spec.port();
        return java.util.Optional.of(new ServiceState(
                w.id(),
                nodePort ? "NodePort" : "ClusterIP",
                spec.protocol() == null ? "TCP" : spec.protocol(),
                status.map(ServiceNetwork.Status::address).orElse(""),
                port,
                spec.targetPort(),
                status.map(ServiceNetwork.Status::listening).orElse(false),
                status.map(ServiceNetwork.Status::message).orElse(w.phase().isActive() ? "starting" : "not active: " + w.phase()),
                status.map(s -> s.endpoints().stream()
                        .map(e -> new ServiceState.Endpoint(e.podId(), e.host(), e.port())).toList()).orElse(List.of())));
    }

    @Override
    public List<Pod> pods(Workload w) {
        if (w.dispatchCount() == 0) {
            return List.of();
        }
        // pods scaled down or replaced by a rollout are history, not part of the workload any more
        return pods.of(w.id(), w.dispatchCount()).stream().filter(p -> !p.retired()).map(RuntimePods::view).toList();
    }

    static Pod view(PodRecord p) {
        // a pod waiting to be restarted is Running with its container waiting, as Kubernetes shows it; a restarted
        // container keeps its last termination (reason, message, exit code) beside its restart count
        String phase = p.phase().equals(PodRecord.WAITING) ? (p.startTime() == null && p.restartCount() == 0
                ? PodRecord.PENDING : PodRecord.RUNNING) : p.phase();
        boolean showEnd = !p.isLive() || p.restartCount() > 0 || p.phase().equals(PodRecord.WAITING);
        Pod.Container container = new Pod.Container(p.container(), showEnd ? p.reason() : "",
                showEnd ? p.message() : "", showEnd ? p.exitCode() : null, p.restartCount());
        return new Pod(p.workloadId(), p.dispatch(), p.podId(), p.node(), phase, p.startTime(), p.endTime(),
                "127.0.0.1", "127.0.0.1", p.rank(), List.of(container));
    }

    @Override
    public List<String> logs(Workload w, String podId, String container, int tailLines, Duration since, Integer dispatch) {
        PodRecord pod = find(w, podId, dispatch);
        String name = container == null ? pod.container() : container;
        if (!name.equals(pod.container())) {
            throw new KilnException.NotFound("NotFound", "container " + name + " not found in pod " + podId
                    + "; containers: " + pod.container());
        }
        try {
            return runtime.tail(WorkloadController.key(pod), name, tailLines, since);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the log of pod " + podId, e);
        }
    }

    @Override
    public List<String> containers(Workload w, String podId) {
        return List.of(find(w, podId, null).container());
    }

    @Override
    public List<String> shells(Workload w, String podId) {
        return runtime.shells(find(w, podId, null).node());
    }

    @Override
    public ExecTarget execTarget(Workload w, String podId, String container) {
        PodRecord pod = find(w, podId, null);
        String name = container == null ? pod.container() : container;
        if (!name.equals(pod.container())) {
            throw new KilnException.NotFound("NotFound", "container " + name + " not found in pod " + podId
                    + "; containers: " + pod.container());
        }
        if (!pod.phase().equals(PodRecord.RUNNING) || pod.dispatch() != w.dispatchCount()) {
            throw new KilnException.Conflict("pod " + podId + " is " + pod.phase() + "; a shell needs a Running pod");
        }
        return new ExecTarget(w, WorkloadController.key(pod), name, runtime.shells(pod.node()));
    }

    @Override
    public PodProcess exec(ExecTarget target, List<String> command, Map<String, String> env, PodExec.Terminal terminal) {
        try {
            return runtime.exec(target.key(), new PodExec(target.container(), command, env, terminal));
        } catch (IOException e) {
            // the pod ended between the check and the start
            throw new KilnException.Conflict("cannot start " + command.get(0) + " in pod " + target.key().podId()
                    + ": " + e.getMessage());
        }
    }

    @Override
    public Optional<Path> workingDirectory(ExecTarget target) {
        return runtime.workingDirectory(target.key());
    }

    @Override
    public Optional<String> workloadOfPod(String podId) {
        return pods.workloadOf(podId);
    }

    /** The pod of the given run (default: the latest run that has it); 404 when the workload has no such pod. */
    private PodRecord find(Workload w, String podId, Integer dispatch) {
        if (dispatch != null && (dispatch < 1 || dispatch > w.dispatchCount())) {
            throw new KilnException.NotFound("PodNotFound", "workload " + w.id() + " has no run " + dispatch
                    + " (runs: " + w.dispatchCount() + ")");
        }
        List<PodRecord> all = pods.allOf(w.id());
        return all.stream()
                .filter(p -> p.podId().equals(podId) && (dispatch == null || p.dispatch() == dispatch))
                .max(java.util.Comparator.comparingInt(PodRecord::dispatch))
                .orElseThrow(() -> KilnException.NotFound.pod(w.id(), podId));
    }
}
