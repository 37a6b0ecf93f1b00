package dev.kiln.scheduler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Test-data builder: {@code Nodes.node("node-a").gpu(8).build()}; defaults to a roomy 8-GPU node. */
final class Nodes {
    static final long GIB = 1L << 30;

    private final String name;
    private long cpuMillis = 64_000;
    private long gpu = 8;
    private long memoryBytes = 512 * GIB;
    private long ephemeralBytes = 1024 * GIB;
    private final Map<String, String> labels = new HashMap<>();
    private final List<String> taints = new ArrayList<>();
    private boolean schedulable = true;

    private Nodes(String name) {
        this.name = name;
    }

    static Nodes node(String name) {
        return new Nodes(name);
    }

    Nodes cpu(double cores) {
        this.cpuMillis = Math.round(cores * 1000);
        return this;
    }

    Nodes gpu(long gpu) {
        this.gpu = gpu;
        return this;
    }

    Nodes memoryGi(long gi) {
        this.memoryBytes = gi * GIB;
        return this;
    }

    Nodes storageGi(long gi) {
        this.ephemeralBytes = gi * GIB;
        return this;
    }

    Nodes label(String key, String value) {
        labels.put(key, value);
        return this;
    }

    Nodes taint(String taint) {
        taints.add(taint);
        return this;
    }

    Nodes unschedulable() {
        schedulable = false;
        return this;
    }

    NodeInfo build() {
        return new NodeInfo(name, new Resources(cpuMillis, gpu, memoryBytes, ephemeralBytes), labels, taints,
                schedulable);
    }
}
