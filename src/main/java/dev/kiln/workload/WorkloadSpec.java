package dev.kiln.workload;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * What a user asked for. The same record carries the raw request (any field may be null) and, once
 * {@link WorkloadValidator} has accepted it, the normalised spec with every default filled in.
 */
public record WorkloadSpec(
        String displayName,
        String description,
        String workspaceId,
        List<String> specifiedNodes,
        ResourceSpec resource,
        String image,
        String entryPoint,
        @JsonProperty("isSupervised") Boolean isSupervised,
        Integer priority,
        Long timeout,
        Integer maxRetry,
        Long ttlSecondsAfterFinished,
        Map<String, String> customerLabels,
        Map<String, String> env,
        ProbeSpec liveness,
        ProbeSpec readiness,
        ServiceSpec service,
        List<String> dependencies,
        List<CronJobSpec> cronJobs,
        GroupVersionKind groupVersionKind,
        @JsonProperty("isTolerateAll") Boolean isTolerateAll) {

    /** The kind of a validated spec. */
    @JsonIgnore
    public Kind kind() {
        return Kind.parse(groupVersionKind.kind()).orElseThrow();
    }

    @JsonIgnore
    public int replica() {
        return resource.replica();
    }

    /** The decoded entrypoint script. */
    @JsonIgnore
    public String script() {
        return new String(java.util.Base64.getDecoder().decode(entryPoint), java.nio.charset.StandardCharsets.UTF_8);
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Copies with some fields changed; used by patch and by tests. */
    public static final class Builder {
        public String displayName;
        public String description;
        public String workspaceId;
        public List<String> specifiedNodes;
        public ResourceSpec resource;
        public String image;
        public String entryPoint;
        public Boolean isSupervised;
        public Integer priority;
        public Long timeout;
        public Integer maxRetry;
        public Long ttlSecondsAfterFinished;
        public Map<String, String> customerLabels;
        public Map<String, String> env;
        public ProbeSpec liveness;
        public ProbeSpec readiness;
        public ServiceSpec service;
        public List<String> dependencies;
        public List<CronJobSpec> cronJobs;
        public GroupVersionKind groupVersionKind;
        public Boolean isTolerateAll;

        public Builder() {}

        Builder(WorkloadSpec s) {
            displayName = s.displayName;
            description = s.description;
            workspaceId = s.workspaceId;
            specifiedNodes = s.specifiedNodes;
            resource = s.resource;
            image = s.image;
            entryPoint = s.entryPoint;
            isSupervised = s.isSupervised;
            priority = s.priority;
            timeout = s.timeout;
            maxRetry = s.maxRetry;
            ttlSecondsAfterFinished = s.ttlSecondsAfterFinished;
            customerLabels = s.customerLabels;
            env = s.env;
            liveness = s.liveness;
            readiness = s.readiness;
            service = s.service;
            dependencies = s.dependencies;
            cronJobs = s.cronJobs;
            groupVersionKind = s.groupVersionKind;
            isTolerateAll = s.isTolerateAll;
        }

        public WorkloadSpec build() {
            return new WorkloadSpec(displayName, description, workspaceId, specifiedNodes, resource, image, entryPoint,
                    isSupervised, priority, timeout, maxRetry, ttlSecondsAfterFinished, customerLabels, env, liveness,
                    readiness, service, dependencies, cronJobs, groupVersionKind, isTolerateAll);
        }
    }
}
