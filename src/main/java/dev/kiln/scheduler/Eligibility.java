package dev.kiln.scheduler;

import java.util.Arrays;

/** Works out which nodes an eligibility class may use, or why none. */
final class Eligibility {
    private Eligibility() {}

    static EligibilityClass resolve(int id, EligibilityClass.Key key, NodeTable table, WorkspacePool pool) {
        if (pool == null) {
            return new EligibilityClass(id, new int[0], false, PendingMessages.unknownWorkspace(key.workspaceId()));
        }
        return key.specifiedNodes().isEmpty() ? anyNode(id, key, table, pool) : specified(id, key, table, pool);
    }

    /** Filters in a fixed order so the message names the filter that left no node. */
    private static EligibilityClass anyNode(int id, EligibilityClass.Key key, NodeTable table, WorkspacePool pool) {
        int[] nodes = new int[table.size()];
        int count = 0;
        for (int node = 0; node < table.size(); node++) {
            if (pool.nodeNames().contains(table.names[node])) {
                nodes[count++] = node;
            }
        }
        if (count == 0) {
            return none(id, PendingMessages.noneInWorkspace(table.size(), pool.id()));
        }
        int before = count;
        count = 0;
        for (int i = 0; i < before; i++) {
            if (table.nodes[nodes[i]].schedulable()) {
                nodes[count++] = nodes[i];
            }
        }
        if (count == 0) {
            return none(id, PendingMessages.noneSchedulable(before, pool.id()));
        }
        before = count;
        count = 0;
        for (int i = 0; i < before; i++) {
            if (table.nodes[nodes[i]].hasLabels(key.labels())) {
                nodes[count++] = nodes[i];
            }
        }
        if (count == 0) {
            return none(id, PendingMessages.noneMatchLabels(before, key.labels()));
        }
        if (!key.tolerateAll()) {
            before = count;
            int firstTainted = nodes[0];
            count = 0;
            for (int i = 0; i < before; i++) {
                if (!table.nodes[nodes[i]].tainted()) {
                    nodes[count++] = nodes[i];
                }
            }
            if (count == 0) {
                NodeInfo node = table.nodes[firstTainted];
                return none(id, PendingMessages.allTainted(before, node.name(), node.taints().getFirst()));
            }
        }
        return new EligibilityClass(id, Arrays.copyOf(nodes, count), false, null);
    }

    private static EligibilityClass specified(int id, EligibilityClass.Key key, NodeTable table, WorkspacePool pool) {
        int[] nodes = new int[key.specifiedNodes().size()];
        int count = 0;
        for (String name : key.specifiedNodes()) {
            int node = table.indexOf(name);
            String why = null;
            if (node < 0) {
                why = PendingMessages.specifiedMissing(name);
            } else if (!pool.nodeNames().contains(name)) {
                why = PendingMessages.specifiedNotInWorkspace(name, pool.id());
            } else if (!table.nodes[node].schedulable()) {
                why = PendingMessages.specifiedUnschedulable(name);
            } else if (!table.nodes[node].hasLabels(key.labels())) {
                why = PendingMessages.specifiedLabels(name, key.labels());
            } else if (table.nodes[node].tainted() && !key.tolerateAll()) {
                why = PendingMessages.specifiedTainted(name, table.nodes[node].taints().getFirst());
            }
            if (why != null) {
                return none(id, why);
            }
            nodes[count++] = node;
        }
        return new EligibilityClass(id, nodes, true, null);
    }

    private static EligibilityClass none(int id, String why) {
        return new EligibilityClass(id, new int[0], false, why);
    }
}
