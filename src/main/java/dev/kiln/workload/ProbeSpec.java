package dev.kiln.workload;

/** An HTTP GET health check of a Deployment or StatefulSet pod. */
public record ProbeSpec(
        String path, Integer port, Integer initialDelaySeconds, Integer periodSeconds, Integer failureThreshold) {

    boolean isEmpty() {
        return path == null && port == null && initialDelaySeconds == null && periodSeconds == null
                && failureThreshold == null;
    }
}
