package dev.kiln.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.kiln.workload.CronJobSpec;
import dev.kiln.workload.GroupVersionKind;
import dev.kiln.workload.ProbeSpec;
import dev.kiln.workload.ServiceSpec;
import dev.kiln.workload.Times;
import dev.kiln.workload.Workload;
import dev.kiln.workload.WorkloadSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Response bodies, field for field as API.md names them. */
public final class Views {
    private Views() {}

    public record CreateResponse(String workloadId) {}

    public record CloneResponse(List<String> workloadIds) {}

    public record Resource(
            int replica, String cpu, String gpu, String memory, String ephemeralStorage, String sharedMemory) {}

    public record ListGvk(String version, String kind) {}

    /** The fields a list item and a get response share (API.md lists them twice; here they are written once). */
    public record Summary(
            String workloadId,
            String workspaceId,
            Resource resource,
            String displayName,
            String description,
            String userId,
            String userName,
            String clusterId,
            String phase,
            String message,
            int priority,
            String creationTime,
            String startTime,
            String endTime,
            String deletionTime,
            String runtime,
            long secondsUntilTimeout,
            int schedulerOrder,
            int dispatchCount,
            @JsonProperty("isTolerateAll") boolean isTolerateAll,
            long timeout,
            String workloadUid,
            String k8sObjectUid) {}

    /** A list item: the summary, with the group-less kind API.md shows in lists. */
    public record Item(@JsonUnwrapped Summary summary, ListGvk groupVersionKind) {}

    public record ListResponse(long totalCount, List<Item> items) {}

    public record ConditionView(String type, String status, String reason, String message, String lastTransitionTime) {}

    public record ContainerView(String name, String reason, String message, Integer exitCode, int restartCount) {}

    public record PodView(
            String podId,
            String k8sNodeName,
            String adminNodeName,
            String phase,
            String startTime,
            String endTime,
            String hostIP,
            String podIP,
            String rank,
            String sshAddr,
            List<ContainerView> containers) {}

    public record Detail(
            @JsonUnwrapped Summary summary,
            GroupVersionKind groupVersionKind,
            List<String> specifiedNodes,
            String image,
            String entryPoint,
            @JsonProperty("isSupervised") boolean isSupervised,
            int maxRetry,
            long ttlSecondsAfterFinished,
            List<ConditionView> conditions,
            List<PodView> pods,
            List<List<String>> nodes,
            List<List<String>> ranks,
            Map<String, String> customerLabels,
            Map<String, String> env,
            ProbeSpec liveness,
            ProbeSpec readiness,
            ServiceSpec service,
            List<String> dependencies,
            List<CronJobSpec> cronJobs,
            @JsonInclude(JsonInclude.Include.NON_NULL) String estimatedStartTime) {}

    public record LogsResponse(String workloadId, String podId, String namespace, List<String> logs) {}

    public record ContainerName(String name) {}

    public record ContainersResponse(List<ContainerName> containers, List<String> shells) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BatchResult(String workloadId, int status, String errorCode, String errorMessage, String newWorkloadId) {}

    public record BatchResponse(List<BatchResult> results) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ErrorResponse(String errorCode, String errorMessage, List<dev.kiln.workload.FieldError> details) {}

    public record WorkspaceView(
            String workspaceId, List<String> nodes, Map<String, String> nodeSelector, Map<String, String> quota,
            List<String> members) {}

    public record WorkspacesResponse(List<WorkspaceView> items) {}

    public record NodeView(
            String name, String cpu, String gpu, String memory, String ephemeralStorage, Map<String, String> labels,
            List<String> taints) {}

    public record NodesResponse(List<NodeView> items) {}

    static Resource resource(WorkloadSpec s) {
        var r = s.resource();
        return new Resource(r.replica(), r.cpu(), r.gpu(), r.memory(), r.ephemeralStorage(), r.sharedMemory());
    }

    static String runtime(Workload w, Instant now) {
        if (w.startTime() == null) {
            return "0s";
        }
        Instant end = w.endTime() != null && !w.phase().isActive() ? w.endTime() : now;
        return Times.runtime(Duration.between(w.startTime(), end));
    }

    /** 0 without a timeout; -1 before the first start; else what is left, floored at 0. */
    static long secondsUntilTimeout(Workload w, Instant now) {
        long timeout = w.spec().timeout();
        if (timeout == 0) {
            return 0;
        }
        if (w.startTime() == null) {
            return -1;
        }
        if (!w.phase().isActive()) {
            return 0;
        }
        long left = timeout - Duration.between(w.startTime(), now).getSeconds();
        return Math.max(0, left);
    }

    static Summary summary(Workload w, Instant now) {
        WorkloadSpec s = w.spec();
        return new Summary(w.id(), s.workspaceId(), resource(s), s.displayName(), s.description(), w.userId(),
                w.userName(), w.clusterId(), w.phase().name(), w.message(), s.priority(),
                Times.format(w.creationTime()), Times.format(w.startTime()), Times.format(w.endTime()),
                Times.format(w.deletionTime()), runtime(w, now), secondsUntilTimeout(w, now), w.schedulerOrder(),
                w.dispatchCount(), s.isTolerateAll(), s.timeout(), w.uid(), w.k8sObjectUid());
    }

    static Item item(Workload w, Instant now) {
        return new Item(summary(w, now), new ListGvk(w.spec().groupVersionKind().version(), w.kind().name()));
    }

    static Detail detail(Workload w, Instant now, List<PodView> pods, Instant estimatedStart) {
        WorkloadSpec s = w.spec();
        return new Detail(summary(w, now), s.groupVersionKind(),
                s.specifiedNodes(), s.image(), s.entryPoint(), s.isSupervised(), s.maxRetry(),
                s.ttlSecondsAfterFinished(),
                w.conditions().stream()
                        .map(c -> new ConditionView(c.type(), c.status(), c.reason(), c.message(),
                                Times.format(c.lastTransitionTime())))
                        .toList(),
                pods, w.nodes(), w.ranks(), s.customerLabels(), s.env(), s.liveness(), s.readiness(), s.service(),
                s.dependencies(), s.cronJobs(), estimatedStart == null ? null : Times.format(estimatedStart));
    }
}
