package dev.kiln.e2e;

import dev.kiln.runtime.local.PodReaper;
import dev.kiln.server.Kiln;
import dev.kiln.server.KilnConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/** A Kiln started in this JVM on a free port, with virtual nodes; closing it also kills any pod it left. */
final class KilnHarness implements AutoCloseable {
    final Kiln kiln;
    final Api api;
    final Path dataDir;

    private KilnHarness(Kiln kiln, Path dataDir) {
        this.kiln = kiln;
        this.api = new Api(kiln.url());
        this.dataDir = dataDir;
    }

    static KilnConfig.NodeConfig node(String name, String cpu, String gpu, Map<String, String> labels, List<String> taints) {
        return new KilnConfig.NodeConfig(name, cpu, gpu, "16Gi", "100Gi", labels, taints);
    }

    static KilnConfig.NodeConfig node(String name, String cpu) {
        return node(name, cpu, "0", Map.of(), List.of());
    }

    static KilnConfig config(Path dataDir, List<KilnConfig.NodeConfig> nodes) {
        return new KilnConfig(new KilnConfig.Server(0, "127.0.0.1", null), dataDir.toString(), null, null, null,
                nodes, List.of(), new KilnConfig.Lifecycle("1s", null, null, null));
    }

    static KilnHarness start(Path dataDir, List<KilnConfig.NodeConfig> nodes) {
        return new KilnHarness(Kiln.start(config(dataDir, nodes), Clock.systemUTC()), dataDir);
    }

    @Override
    public void close() {
        try {
            kiln.close();
        } finally {
            PodReaper.killAll(dataDir);
        }
    }
}
