package dev.kiln.scheduler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The nodes of one pass as parallel arrays indexed by node number, sorted by name so that the number is also the
 * final best-fit tie-break. Each view is {@code long[resource ordinal][node]}: the inner loops compare primitives
 * and allocate nothing.
 */
final class NodeTable {
    static final int RESOURCES = Resource.values().length;

    final NodeInfo[] nodes;
    final String[] names;
    /** What the node has in total; never changes in a pass. */
    final long[][] capacity;
    /** Capacity less running pods and pods placed this pass; negative when a node is overcommitted. */
    final long[][] free;
    /** Free less what blocked workloads earlier in the queue hold; what a workload may use. */
    final long[][] available;

    private final Map<String, Integer> indexByName;
    private final Map<Integer, List<Hold>> holdsByNode = new HashMap<>();

    /** A blocked workload's hold on one node, kept so a workload kept out by it can be told whom it waits for. */
    record Hold(String workloadId, long[] amounts) {}

    NodeTable(List<NodeInfo> nodeList, Map<String, Resources> allocated) {
        nodes = nodeList.toArray(NodeInfo[]::new);
        Arrays.sort(nodes, Comparator.comparing(NodeInfo::name));
        int count = nodes.length;
        names = new String[count];
        capacity = new long[RESOURCES][count];
        free = new long[RESOURCES][count];
        indexByName = HashMap.newHashMap(count);
        for (int node = 0; node < count; node++) {
            names[node] = nodes[node].name();
            indexByName.put(names[node], node);
            Resources used = allocated.getOrDefault(names[node], Resources.ZERO);
            for (Resource resource : Resource.values()) {
                long total = nodes[node].capacity().get(resource);
                capacity[resource.ordinal()][node] = total;
                free[resource.ordinal()][node] = total - used.get(resource);
            }
        }
        available = new long[RESOURCES][];
        for (int r = 0; r < RESOURCES; r++) {
            available[r] = free[r].clone();
        }
    }

    int size() {
        return nodes.length;
    }

    /** The node's number, or -1 when there is no such node. */
    int indexOf(String name) {
        Integer index = indexByName.get(name);
        return index == null ? -1 : index;
    }

    /** Takes {@code pods} pods of {@code request} out of free and available. */
    void place(int node, int pods, long[] request) {
        for (int r = 0; r < RESOURCES; r++) {
            long amount = pods * request[r];
            free[r][node] -= amount;
            available[r][node] -= amount;
        }
    }

    /**
     * Holds for {@code workloadId} whatever of {@code pods × request} is available on the node now.
     *
     * @return whether anything was held (so caches that depend on availability must be dropped)
     */
    boolean hold(String workloadId, int node, int pods, long[] request) {
        long[] amounts = new long[RESOURCES];
        boolean any = false;
        for (int r = 0; r < RESOURCES; r++) {
            long amount = Math.max(0, Math.min(available[r][node], pods * request[r]));
            amounts[r] = amount;
            available[r][node] -= amount;
            any |= amount > 0;
        }
        if (any) {
            holdsByNode.computeIfAbsent(node, n -> new ArrayList<>()).add(new Hold(workloadId, amounts));
        }
        return any;
    }

    /** The earliest hold on the node that holds some of the resource, or null. */
    Hold firstHold(int node, int resource) {
        for (Hold hold : holdsByNode.getOrDefault(node, List.of())) {
            if (hold.amounts()[resource] > 0) {
                return hold;
            }
        }
        return null;
    }
}
