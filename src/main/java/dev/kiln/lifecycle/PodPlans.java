package dev.kiln.lifecycle;

import dev.kiln.store.PodRecord;
import dev.kiln.workload.Kind;
import dev.kiln.workload.Workload;
import dev.kiln.workload.WorkloadIds;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/** Pod names, ranks and environments of one run, per kind (SPEC §9). */
final class PodPlans {
    private PodPlans() {}

    static String container(Kind kind) {
        return kind == Kind.PyTorchJob ? "pytorch" : "main";
    }

    static String podId(Workload w, int ordinal, RandomGenerator random) {
        return switch (w.kind()) {
            case PyTorchJob -> ordinal == 0 ? w.id() + "-master-0" : w.id() + "-worker-" + (ordinal - 1);
            case Deployment -> {
                StringBuilder sb = new StringBuilder(w.id()).append('-');
                for (int i = 0; i < 5; i++) {
                    sb.append(WorkloadIds.ALPHABET.charAt(random.nextInt(WorkloadIds.ALPHABET.length())));
                }
                yield sb.toString();
            }
            case StatefulSet, Authoring -> w.id() + "-" + ordinal;
        };
    }

    static String rank(Workload w, int ordinal) {
        return w.kind() == Kind.PyTorchJob ? Integer.toString(ordinal) : "";
    }

    /**
     * The pod's environment: Kiln's variables, then the user's env on top (the user wins on a clash, SPEC §9).
     */
    static Map<String, String> env(Workload w, PodRecord pod, List<PodRecord> run, int masterPort, String podIp) {
        Map<String, String> env = new LinkedHashMap<>();
        int replica = run.size();
        long gpus = pod.gpu();
        if (w.kind() == Kind.PyTorchJob) {
            String masterAddr = "127.0.0.1"; // every node of the embedded shape is this host
            env.put("MASTER_ADDR", masterAddr);
            env.put("MASTER_PORT", Integer.toString(masterPort));
            env.put("WORLD_SIZE", Integer.toString(replica));
            env.put("RANK", pod.rank());
            env.put("NODE_RANK", pod.rank());
            env.put("PET_NODE_RANK", pod.rank());
            env.put("NNODES", Integer.toString(replica));
            env.put("PET_NNODES", Integer.toString(replica));
            env.put("PET_NPROC_PER_NODE", Long.toString(gpus > 0 ? gpus : 1));
            env.put("PET_MASTER_ADDR", masterAddr);
            env.put("PET_MASTER_PORT", Integer.toString(masterPort));
            env.put("GPUS_PER_NODE", Long.toString(gpus));
            env.put("PYTHONUNBUFFERED", "1");
        }
        env.put("WORKLOAD_ID", w.id());
        env.put("WORKLOAD_KIND", w.kind().name());
        env.put("WORKSPACE", w.workspaceId());
        env.put("DISPLAY_NAME", w.spec().displayName());
        env.put("DISPATCH_COUNT", Integer.toString(pod.dispatch()));
        env.put("USER_ID", w.userId());
        env.put("POD_NAME", pod.podId());
        env.put("POD_IP", podIp);
        env.put("KILN_IMAGE", w.spec().image());
        env.put("KILN_NODE", pod.node());
        env.put("CUDA_VISIBLE_DEVICES", pod.gpuIndices());
        env.put("HIP_VISIBLE_DEVICES", pod.gpuIndices());
        env.put("ROCR_VISIBLE_DEVICES", pod.gpuIndices());
        if (pod.port() > 0) {
            env.put("PORT", Integer.toString(pod.port()));
        }
        env.putAll(w.spec().env());
        return env;
    }
}
