package dev.kiln.scheduler;

import java.util.Arrays;

/**
 * Finds a best-fit gang placement in one view of the nodes (available, free or total capacity).
 *
 * <p>Best fit places each pod in turn on the node that would be left with the least GPU, then CPU, then memory,
 * then the first name. That order is the same as the order of what the nodes have before the pod (subtracting the
 * same request from every node keeps the lexicographic order), and placing a pod on the best node keeps it the best.
 * So the per-pod greedy equals: sort the nodes that fit one pod by what they have, then take them in order — one
 * pod each for distinct nodes, as many as fit otherwise. Only the first {@code pods} fitting nodes can be used, so
 * one scan with a small sorted buffer does it, with no allocation.
 *
 * <p>The result is left in {@link #nodes}, {@link #counts} and {@link #size} until the next call.
 */
final class GangFitter {
    int[] nodes = new int[16];
    int[] counts = new int[16];
    int size;

    /**
     * @param candidates the eligible nodes; for {@code listedOrder} the specified nodes in their listed order
     * @param listedOrder pod {@code i} must go on {@code candidates[i]} (specified nodes)
     * @return whether all pods fit; on success nodes[i] holds counts[i] pods, in rank order
     */
    boolean fit(int[] candidates, long[][] view, long[] request, int pods, boolean distinct, boolean listedOrder) {
        if (nodes.length < pods) {
            nodes = new int[pods];
            counts = new int[pods];
        }
        return listedOrder ? fitListed(candidates, view, request) : fitBest(candidates, view, request, pods, distinct);
    }

    private boolean fitListed(int[] candidates, long[][] view, long[] request) {
        size = 0;
        for (int node : candidates) {
            if (!fitsOne(view, node, request)) {
                return false;
            }
            nodes[size] = node;
            counts[size++] = 1;
        }
        return true;
    }

    private boolean fitBest(int[] candidates, long[][] view, long[] request, int pods, boolean distinct) {
        long[] gpu = view[0];
        long[] cpu = view[1];
        long[] memory = view[2];
        long[] storage = view[3];
        long needGpu = request[0];
        long needCpu = request[1];
        long needMemory = request[2];
        long needStorage = request[3];
        int[] buffer = nodes;
        int filled = 0;
        for (int node : candidates) {
            if (gpu[node] < needGpu || cpu[node] < needCpu || memory[node] < needMemory || storage[node] < needStorage) {
                continue;
            }
            if (filled == pods) {
                if (!before(gpu, cpu, memory, node, buffer[pods - 1])) {
                    continue;
                }
                filled--;
            }
            int at = filled - 1;
            while (at >= 0 && before(gpu, cpu, memory, node, buffer[at])) {
                buffer[at + 1] = buffer[at];
                at--;
            }
            buffer[at + 1] = node;
            filled++;
        }
        if (distinct) {
            if (filled < pods) {
                size = 0;
                return false;
            }
            Arrays.fill(counts, 0, pods, 1);
            size = pods;
            return true;
        }
        int remaining = pods;
        for (int i = 0; i < filled; i++) {
            int take = (int) Math.min(remaining, podsThatFit(view, buffer[i], request, remaining));
            counts[i] = take;
            remaining -= take;
            if (remaining == 0) {
                size = i + 1;
                return true;
            }
        }
        size = 0;
        return false;
    }

    /** Whether node a sorts before node b: less GPU, then CPU, then memory, then the smaller number (name). */
    private static boolean before(long[] gpu, long[] cpu, long[] memory, int a, int b) {
        if (gpu[a] != gpu[b]) {
            return gpu[a] < gpu[b];
        }
        if (cpu[a] != cpu[b]) {
            return cpu[a] < cpu[b];
        }
        if (memory[a] != memory[b]) {
            return memory[a] < memory[b];
        }
        return a < b;
    }

    static boolean fitsOne(long[][] view, int node, long[] request) {
        for (int r = 0; r < NodeTable.RESOURCES; r++) {
            if (view[r][node] < request[r]) {
                return false;
            }
        }
        return true;
    }

    /** How many pods of the request fit on the node, at most {@code limit}. */
    static long podsThatFit(long[][] view, int node, long[] request, long limit) {
        long fit = limit;
        for (int r = 0; r < NodeTable.RESOURCES; r++) {
            long have = view[r][node];
            if (have < 0) {
                return 0;
            }
            if (request[r] > 0) {
                fit = Math.min(fit, have / request[r]);
            }
        }
        return fit;
    }
}
