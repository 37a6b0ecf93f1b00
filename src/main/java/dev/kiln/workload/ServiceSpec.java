package dev.kiln.workload;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** How a Deployment or StatefulSet is reached: a ClusterIP or NodePort service. */
public record ServiceSpec(
        String protocol,
        Integer port,
        Integer nodePort,
        Integer targetPort,
        String serviceType,
        @JsonProperty("extends") Map<String, Object> extensions) {

    boolean isEmpty() {
        return protocol == null && port == null && nodePort == null && targetPort == null && serviceType == null
                && (extensions == null || extensions.isEmpty());
    }
}
