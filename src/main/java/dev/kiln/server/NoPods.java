package dev.kiln.server;

import dev.kiln.service.PodService;
import dev.kiln.workload.KilnException;
import dev.kiln.workload.Pod;
import dev.kiln.workload.Workload;
import java.time.Duration;
import java.util.List;

/** Until a runtime runs pods, no workload has any: pod lookups are 404 PodNotFound. */
final class NoPods implements PodService {
    @Override
    public List<Pod> pods(Workload workload) {
        return List.of();
    }

    @Override
    public List<String> logs(Workload w, String podId, String container, int tailLines, Duration since, Integer dispatch) {
        throw KilnException.NotFound.pod(w.id(), podId);
    }

    @Override
    public List<String> containers(Workload w, String podId) {
        throw KilnException.NotFound.pod(w.id(), podId);
    }

    @Override
    public List<String> shells(Workload w, String podId) {
        throw KilnException.NotFound.pod(w.id(), podId);
    }
}
