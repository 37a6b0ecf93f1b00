package dev.kiln.server;

import dev.kiln.workload.Node;
import dev.kiln.workload.WorkloadIds;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The embedded default node: this host, with its real CPUs, memory, data-dir disk and GPUs. */
final class HostNode {
    private HostNode() {}

    static Node probe(Path dataDir) {
        long cpu = Runtime.getRuntime().availableProcessors() * 1000L;
        long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        long disk;
        try {
            disk = Files.getFileStore(dataDir).getTotalSpace();
        } catch (IOException e) {
            disk = 0;
        }
        return new Node(hostName(), cpu, 0, memory, disk, Map.of(), List.of());
    }

    private static String hostName() {
        String name;
        try {
            name = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            name = "localhost";
        }
        String first = name.split("\\.")[0];
        return WorkloadIds.normalise(first).map(n -> n.length() > 63 ? n.substring(0, 63) : n).orElse("localhost");
    }
}
