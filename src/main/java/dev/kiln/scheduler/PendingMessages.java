package dev.kiln.scheduler;

import java.util.Map;
import java.util.TreeMap;

/** The pending messages, one method per kind, so their wording lives in one place. */
final class PendingMessages {
    /** How many nodes a message lists before it ends with "…". */
    static final int LISTED_NODES = 5;

    private PendingMessages() {}

    static String quota(Resource resource, long inUse, long limit, long needs) {
        return "workspace quota: " + resource.label() + " " + resource.format(inUse) + " of "
                + resource.format(limit) + " in use, needs " + resource.format(needs) + " more";
    }

    static String waitingBehind(String workloadId, Resource resource, String node) {
        return "waiting for resources reserved by " + workloadId + " (" + resource.label() + " on " + node + ")";
    }

    static String unknownWorkspace(String workspaceId) {
        return "no eligible node: workspace " + workspaceId + " does not exist";
    }

    static String noneInWorkspace(int nodes, String workspaceId) {
        return "no eligible node: 0 of " + nodes + " nodes are in workspace " + workspaceId;
    }

    static String noneSchedulable(int nodes, String workspaceId) {
        return "no eligible node: 0 of " + nodes + " nodes in workspace " + workspaceId + " are schedulable";
    }

    static String noneMatchLabels(int nodes, Map<String, String> labels) {
        return "no eligible node: 0 of " + nodes + " nodes match labels " + sorted(labels);
    }

    static String allTainted(int nodes, String firstNode, String firstTaint) {
        return "no eligible node: 0 of " + nodes + " nodes are untainted (" + firstNode + ": " + firstTaint
                + (nodes > 1 ? ", …" : "") + ") and tolerateAll is not set";
    }

    static String specifiedMissing(String node) {
        return "no eligible node: specified node " + node + " does not exist";
    }

    static String specifiedNotInWorkspace(String node, String workspaceId) {
        return "no eligible node: specified node " + node + " is not in workspace " + workspaceId;
    }

    static String specifiedUnschedulable(String node) {
        return "no eligible node: specified node " + node + " is not schedulable";
    }

    static String specifiedLabels(String node, Map<String, String> labels) {
        return "no eligible node: specified node " + node + " does not match labels " + sorted(labels);
    }

    static String specifiedTainted(String node, String taint) {
        return "no eligible node: specified node " + node + " is tainted (" + taint + ") and tolerateAll is not set";
    }

    /**
     * Names the first resource that keeps the demand off its nodes, with numbers:
     * {@code insufficient gpu: 4 pods need 8 gpu each; 1 node fits (node-a: 8 free, node-b: 4 free)}. Resources
     * are tried in {@link Resource} order, each among the nodes that had enough of the ones before, so the named
     * resource is the one that turns "enough" into "not enough".
     *
     * @param emptyNodes judge by total capacity (the demand can never fit) instead of free capacity
     */
    static String insufficient(NodeTable table, Demand demand, boolean emptyNodes) {
        long[][] view = emptyNodes ? table.capacity : table.free;
        int[] alive = demand.eligibility.nodes.clone();
        long[] podsOn = new long[alive.length];
        java.util.Arrays.fill(podsOn, demand.pods);
        int aliveCount = alive.length;
        for (Resource resource : Resource.values()) {
            int r = resource.ordinal();
            long need = demand.request[r];
            long room = 0;
            int keep = 0;
            for (int i = 0; i < aliveCount; i++) {
                int node = alive[i];
                long have = view[r][node];
                long fit = have < 0 ? 0 : need == 0 ? podsOn[i] : Math.min(podsOn[i], have / need);
                if (fit > 0) {
                    room += demand.distinct ? 1 : fit;
                }
            }
            if (room < demand.pods) {
                return describe(table, demand, resource, view, alive, aliveCount, room, emptyNodes);
            }
            for (int i = 0; i < aliveCount; i++) {
                int node = alive[i];
                long have = view[r][node];
                long fit = have < 0 ? 0 : need == 0 ? podsOn[i] : Math.min(podsOn[i], have / need);
                if (fit > 0) {
                    alive[keep] = node;
                    podsOn[keep++] = fit;
                }
            }
            aliveCount = keep;
        }
        // unreachable when the demand really does not fit; say something true anyway
        return "insufficient resources: " + podsNeed(demand.pods, "the requested resources");
    }

    private static String describe(
            NodeTable table,
            Demand demand,
            Resource resource,
            long[][] view,
            int[] alive,
            int aliveCount,
            long room,
            boolean emptyNodes) {
        int r = resource.ordinal();
        StringBuilder message = new StringBuilder(160)
                .append("insufficient ")
                .append(resource.label())
                .append(emptyNodes ? " capacity: " : ": ")
                .append(podsNeed(demand.pods, amount(resource, demand.request[r])))
                .append("; ");
        if (demand.distinct || demand.pods == 1) {
            message.append(room).append(room == 1 ? " node " : " nodes ");
            message.append(emptyNodes ? (room == 1 ? "is large enough" : "are large enough") : (room == 1 ? "fits" : "fit"));
        } else {
            message.append("room for ").append(room).append(room == 1 ? " pod" : " pods");
            if (emptyNodes) {
                message.append(" even on empty nodes");
            }
        }
        if (aliveCount == 0) {
            return message.toString();
        }
        // the nodes with the most of the resource: what the user would look at to see how close it is
        int[] top = new int[Math.min(LISTED_NODES, aliveCount)];
        int filled = 0;
        long[] have = view[r];
        for (int i = 0; i < aliveCount; i++) {
            int node = alive[i];
            if (filled == top.length) {
                if (!more(have, node, top[filled - 1])) {
                    continue;
                }
                filled--;
            }
            int at = filled - 1;
            while (at >= 0 && more(have, node, top[at])) {
                top[at + 1] = top[at];
                at--;
            }
            top[at + 1] = node;
            filled++;
        }
        message.append(" (");
        for (int i = 0; i < filled; i++) {
            if (i > 0) {
                message.append(", ");
            }
            message.append(table.names[top[i]])
                    .append(": ")
                    .append(resource.format(have[top[i]]))
                    .append(emptyNodes ? " total" : " free");
        }
        if (aliveCount > filled) {
            message.append(", …");
        }
        return message.append(')').toString();
    }

    private static boolean more(long[] have, int a, int b) {
        return have[a] != have[b] ? have[a] > have[b] : a < b;
    }

    private static String podsNeed(int pods, String amount) {
        return pods == 1 ? "1 pod needs " + amount : pods + " pods need " + amount + " each";
    }

    private static String amount(Resource resource, long amount) {
        return resource.format(amount) + " " + resource.label();
    }

    private static String sorted(Map<String, String> labels) {
        return new TreeMap<>(labels).toString();
    }
}
