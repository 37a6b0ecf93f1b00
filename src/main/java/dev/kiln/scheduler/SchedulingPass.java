package dev.kiln.scheduler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The mutable state of one {@link Scheduler#schedule} call; used once. */
final class SchedulingPass {
    private final Snapshot snapshot;
    private final NodeTable table;
    private final GangFitter fitter = new GangFitter();
    private final Map<EligibilityClass.Key, EligibilityClass> classesByKey = new HashMap<>();
    private final List<EligibilityClass> classes = new ArrayList<>();
    private final Map<Demand.Key, Demand> demands = new HashMap<>();
    private final Map<String, WorkspaceUsage> usage = new HashMap<>();
    /** Node number → the classes that include it, to know whose caches a change on the node invalidates. */
    private int[][] classesOfNode;

    SchedulingPass(Snapshot snapshot) {
        this.snapshot = snapshot;
        this.table = new NodeTable(snapshot.nodes(), snapshot.allocated());
    }

    Decision run() {
        PendingWorkload[] queue = snapshot.pending().toArray(PendingWorkload[]::new);
        Arrays.sort(queue, Scheduler.QUEUE_ORDER);
        Demand[] demandOf = new Demand[queue.length];
        for (int i = 0; i < queue.length; i++) {
            if (queue[i].ready()) {
                demandOf[i] = demandFor(queue[i]);
            }
        }
        indexClassesByNode();

        int count = queue.length;
        String[] placedIds = new String[count];
        Object[] placedNodes = new Object[count];
        int placed = 0;
        String[] waitingIds = new String[count];
        Object[] messages = new Object[count];
        int waiting = 0;
        String[] ids = new String[count];
        Object[] positionsInWorkspace = new Object[count];
        Map<String, int[]> positions = new HashMap<>();
        for (int i = 0; i < count; i++) {
            PendingWorkload workload = queue[i];
            int[] position = positions.computeIfAbsent(workload.workspaceId(), id -> new int[1]);
            ids[i] = workload.id();
            positionsInWorkspace[i] = ++position[0];
            String why = workload.ready() ? tryToStart(workload, demandOf[i]) : workload.holdMessage();
            if (why == null) {
                placedIds[placed] = workload.id();
                placedNodes[placed++] = podNodes();
            } else {
                waitingIds[waiting] = workload.id();
                messages[waiting++] = why;
            }
        }
        return new Decision(new ArrayMapView<>(placedIds, placedNodes, placed),
                new ArrayMapView<>(waitingIds, messages, waiting),
                new ArrayMapView<>(ids, positionsInWorkspace, count));
    }

    /** Places the workload and returns null, or returns why it stays pending. */
    private String tryToStart(PendingWorkload workload, Demand demand) {
        EligibilityClass eligibility = demand.eligibility;
        if (eligibility.noEligibleNode != null) {
            return eligibility.noEligibleNode;
        }
        WorkspaceUsage workspace = usage.get(workload.workspaceId());
        String overQuota = workspace.shortfall(demand);
        if (overQuota != null) {
            return overQuota;
        }
        if (!fitsWhenEmpty(demand)) {
            return demand.neverFits;
        }
        if (!eligibility.availableFailures.covers(demand)) {
            if (fitter.fit(eligibility.nodes, table.available, demand.request, demand.pods, demand.distinct,
                    eligibility.listedOrder)) {
                for (int i = 0; i < fitter.size; i++) {
                    table.place(fitter.nodes[i], fitter.counts[i], demand.request);
                    touched(fitter.nodes[i], true);
                }
                workspace.add(demand);
                return null;
            }
            eligibility.availableFailures.add(demand);
        }
        String why = whyWaiting(demand);
        reserve(workload.id(), demand);
        return why;
    }

    private boolean fitsWhenEmpty(Demand demand) {
        if (demand.fitsWhenEmpty == 0) {
            EligibilityClass eligibility = demand.eligibility;
            if (fitter.fit(eligibility.nodes, table.capacity, demand.request, demand.pods, demand.distinct,
                    eligibility.listedOrder)) {
                demand.fitsWhenEmpty = 1;
                demand.waitNodes = Arrays.copyOf(fitter.nodes, fitter.size);
                demand.waitCounts = Arrays.copyOf(fitter.counts, fitter.size);
            } else {
                demand.fitsWhenEmpty = 2;
                demand.neverFits = PendingMessages.insufficient(table, demand, true);
            }
        }
        return demand.fitsWhenEmpty == 1;
    }

    /**
     * For a demand that does not fit in what is available: if it would fit without the holds of earlier workloads,
     * name the first one in its way; otherwise name the resource it lacks.
     */
    private String whyWaiting(Demand demand) {
        EligibilityClass eligibility = demand.eligibility;
        if (!eligibility.freeFailures.covers(demand)) {
            if (demand.waiting != null
                    && demand.waitingPlaceVersion == eligibility.placeVersion
                    && demand.waitingHoldVersion == eligibility.holdVersion) {
                return demand.waiting;
            }
            if (fitter.fit(eligibility.nodes, table.free, demand.request, demand.pods, demand.distinct,
                    eligibility.listedOrder)) {
                demand.waiting = blockingHold(demand);
                demand.waitingPlaceVersion = eligibility.placeVersion;
                demand.waitingHoldVersion = eligibility.holdVersion;
                return demand.waiting;
            }
            eligibility.freeFailures.add(demand);
        }
        if (demand.insufficient == null || demand.insufficientPlaceVersion != eligibility.placeVersion) {
            demand.insufficient = PendingMessages.insufficient(table, demand, false);
            demand.insufficientPlaceVersion = eligibility.placeVersion;
        }
        return demand.insufficient;
    }

    /** Reads the placement the fitter found in free capacity and names the first hold that keeps it out. */
    private String blockingHold(Demand demand) {
        for (int i = 0; i < fitter.size; i++) {
            int node = fitter.nodes[i];
            for (Resource resource : Resource.values()) {
                int r = resource.ordinal();
                if (table.available[r][node] < fitter.counts[i] * demand.request[r]) {
                    NodeTable.Hold hold = table.firstHold(node, r);
                    if (hold != null) {
                        return PendingMessages.waitingBehind(hold.workloadId(), resource, table.names[node]);
                    }
                }
            }
        }
        return "waiting for resources reserved by earlier workloads";
    }

    private void reserve(String workloadId, Demand demand) {
        for (int i = 0; i < demand.waitNodes.length; i++) {
            int node = demand.waitNodes[i];
            if (table.hold(workloadId, node, demand.waitCounts[i], demand.request)) {
                touched(node, false);
            }
        }
    }

    private void touched(int node, boolean placed) {
        for (int id : classesOfNode[node]) {
            if (placed) {
                classes.get(id).placeVersion++;
            } else {
                classes.get(id).holdVersion++;
            }
        }
    }

    private List<String> podNodes() {
        String[] pods = new String[fitter.size == 0 ? 0 : sumCounts()];
        int rank = 0;
        for (int i = 0; i < fitter.size; i++) {
            String name = table.names[fitter.nodes[i]];
            for (int k = 0; k < fitter.counts[i]; k++) {
                pods[rank++] = name;
            }
        }
        return List.of(pods);
    }

    private int sumCounts() {
        int sum = 0;
        for (int i = 0; i < fitter.size; i++) {
            sum += fitter.counts[i];
        }
        return sum;
    }

    private Demand demandFor(PendingWorkload workload) {
        EligibilityClass eligibility = classFor(workload);
        Resources perPod = workload.perPod();
        boolean distinct = workload.distinctNodes() || !workload.specifiedNodes().isEmpty();
        Demand.Key key = new Demand.Key(eligibility.id, workload.pods(), perPod.gpu(), perPod.cpuMillis(),
                perPod.memoryBytes(), perPod.ephemeralBytes(), distinct);
        Demand demand = demands.get(key);
        if (demand == null) {
            long[] request = new long[NodeTable.RESOURCES];
            for (Resource resource : Resource.values()) {
                request[resource.ordinal()] = perPod.get(resource);
            }
            demand = new Demand(eligibility, workload.pods(), request, distinct);
            demands.put(key, demand);
        }
        return demand;
    }

    private EligibilityClass classFor(PendingWorkload workload) {
        EligibilityClass.Key key = new EligibilityClass.Key(workload.workspaceId(), workload.requiredLabels(),
                workload.tolerateAll(), workload.specifiedNodes());
        EligibilityClass eligibility = classesByKey.get(key);
        if (eligibility == null) {
            eligibility = Eligibility.resolve(classes.size(), key, table, snapshot.workspaces().get(key.workspaceId()));
            classesByKey.put(key, eligibility);
            classes.add(eligibility);
            WorkspacePool pool = snapshot.workspaces().get(key.workspaceId());
            if (pool != null) {
                usage.computeIfAbsent(pool.id(), id -> new WorkspaceUsage(pool));
            }
        }
        return eligibility;
    }

    private void indexClassesByNode() {
        int[] count = new int[table.size()];
        for (EligibilityClass eligibility : classes) {
            for (int node : eligibility.nodes) {
                count[node]++;
            }
        }
        classesOfNode = new int[table.size()][];
        for (int node = 0; node < count.length; node++) {
            classesOfNode[node] = new int[count[node]];
            count[node] = 0;
        }
        for (EligibilityClass eligibility : classes) {
            for (int node : eligibility.nodes) {
                classesOfNode[node][count[node]++] = eligibility.id;
            }
        }
    }
}
