package dev.kiln.lifecycle;

import static java.util.Objects.requireNonNull;

import dev.kiln.scheduler.Decision;
import dev.kiln.scheduler.NodeInfo;
import dev.kiln.scheduler.PendingWorkload;
import dev.kiln.scheduler.Resources;
import dev.kiln.scheduler.Scheduler;
import dev.kiln.scheduler.Snapshot;
import dev.kiln.scheduler.WorkspacePool;
import dev.kiln.service.Cluster;
import dev.kiln.service.StartEstimates;
import dev.kiln.store.PodRecord;
import dev.kiln.store.PodStore;
import dev.kiln.store.WorkloadStore;
import dev.kiln.workload.Kind;
import dev.kiln.workload.Node;
import dev.kiln.workload.Phase;
import dev.kiln.workload.ResourceSpec;
import dev.kiln.workload.Workload;
import dev.kiln.workload.Workspace;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Estimates a pending workload's start from the running workloads' timeouts: each running workload is assumed to
 * hold its pods until its timeout expires; the estimate is the first such expiry after which the workload's gang
 * fits. Unknown (empty) when the workload is held for another reason, or when the fit depends on a running
 * workload without a timeout. It ignores workloads queued ahead and future arrivals — see docs/DECISIONS.md.
 */
public final class StartEstimator implements StartEstimates {
    private final WorkloadStore workloads;
    private final PodStore pods;
    private final Cluster cluster;
    private final Scheduler scheduler = new Scheduler();

    public StartEstimator(WorkloadStore workloads, PodStore pods, Cluster cluster) {
        this.workloads = requireNonNull(workloads, "workloads is null");
        this.pods = requireNonNull(pods, "pods is null");
        this.cluster = requireNonNull(cluster, "cluster is null");
    }

    @Override
    public Optional<Instant> estimatedStart(Workload w, Instant now) {
        if (w.phase() != Phase.Pending || !blockedByCapacity(w.message())) {
            return Optional.empty();
        }
        List<PodRecord> live = pods.live();
        Map<String, Workload> owners = workloads.findAll(live.stream().map(PodRecord::workloadId).collect(Collectors.toSet()))
                .stream().collect(Collectors.toMap(Workload::id, o -> o));
        // release times: a pod of a workload without a timeout is never released in this model
        TreeMap<Instant, List<PodRecord>> releases = new TreeMap<>();
        List<PodRecord> forever = new ArrayList<>();
        for (PodRecord p : live) {
            Workload owner = owners.get(p.workloadId());
            if (owner == null || owner.spec().timeout() == 0 || owner.startTime() == null) {
                forever.add(p);
            } else {
                Instant end = owner.startTime().plusSeconds(owner.spec().timeout());
                releases.computeIfAbsent(end.isBefore(now) ? now : end, t -> new ArrayList<>()).add(p);
            }
        }
        List<PodRecord> holding = new ArrayList<>(live);
        for (Map.Entry<Instant, List<PodRecord>> release : releases.entrySet()) {
            holding.removeAll(release.getValue());
            if (fits(w, holding, owners)) {
                return Optional.of(release.getKey());
            }
        }
        return Optional.empty();
    }

    private static boolean blockedByCapacity(String message) {
        return message.startsWith("insufficient ") && !message.contains("capacity:")
                || message.startsWith("waiting for resources reserved by");
    }

    private boolean fits(Workload w, List<PodRecord> holding, Map<String, Workload> owners) {
        Map<String, Resources> allocated = new HashMap<>();
        Map<String, Resources> inUse = new HashMap<>();
        for (PodRecord p : holding) {
            Resources r = new Resources(p.cpuMillis(), p.gpu(), p.memoryBytes(), p.ephemeralBytes());
            allocated.merge(p.node(), r, Resources::plus);
            Workload owner = owners.get(p.workloadId());
            if (owner != null) {
                inUse.merge(owner.workspaceId(), r, Resources::plus);
            }
        }
        List<Node> nodes = cluster.nodes();
        Map<String, WorkspacePool> pools = new HashMap<>();
        for (Workspace ws : cluster.workspaces()) {
            Set<String> names = ws.eligible(nodes).stream().map(Node::name).collect(Collectors.toSet());
            var quota = ws.quota() == null ? null
                    : new dev.kiln.scheduler.Quota(ws.quota().cpuMillis(), ws.quota().gpu(), ws.quota().memoryBytes());
            pools.put(ws.id(), new WorkspacePool(ws.id(), names, quota, inUse.getOrDefault(ws.id(), Resources.ZERO)));
        }
        ResourceSpec r = w.spec().resource();
        PendingWorkload pending = new PendingWorkload(w.id(), w.workspaceId(), w.spec().priority(), w.creationTime(),
                w.retried(), r.replica(), new Resources(r.cpuMillis(), r.gpuCount(), r.memoryBytes(), r.ephemeralBytes()),
                w.spec().customerLabels(), w.spec().specifiedNodes(), w.spec().isTolerateAll(), w.kind() == Kind.PyTorchJob, null);
        List<NodeInfo> infos = nodes.stream()
                .map(n -> new NodeInfo(n.name(), new Resources(n.cpuMillis(), n.gpu(), n.memoryBytes(), n.ephemeralBytes()),
                        n.labels(), n.taints(), true))
                .toList();
        Decision d = scheduler.schedule(new Snapshot(infos, allocated, pools, List.of(pending)));
        return d.placements().containsKey(w.id());
    }
}
