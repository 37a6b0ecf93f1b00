package dev.kiln.lifecycle;

import dev.kiln.workload.ResourceSpec;
import dev.kiln.workload.WorkloadSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The part of a spec a pod is made from — image, entrypoint, env and per-pod resources, not the replica count — as a
 * short hash. A pod whose hash differs from its workload's is out of date and is replaced by a rollout (SPEC §7.5).
 */
final class PodTemplate {
    private PodTemplate() {}

    static String hash(WorkloadSpec spec) {
        ResourceSpec r = spec.resource();
        StringBuilder sb = new StringBuilder();
        sb.append("image=").append(spec.image()).append('\n');
        sb.append("entryPoint=").append(spec.entryPoint()).append('\n');
        sb.append("cpu=").append(r.cpuMillis()).append('\n');
        sb.append("gpu=").append(r.gpuCount()).append('\n');
        sb.append("memory=").append(r.memoryBytes()).append('\n');
        sb.append("ephemeralStorage=").append(r.ephemeralBytes()).append('\n');
        sb.append("sharedMemory=").append(r.sharedMemory()).append('\n');
        Map<String, String> env = new TreeMap<>(spec.env() == null ? Map.of() : spec.env());
        env.forEach((k, v) -> sb.append("env.").append(k).append('=').append(v).append('\n'));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }
}
