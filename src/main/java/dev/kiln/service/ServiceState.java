package dev.kiln.service;

import java.util.List;

/**
 * A workload's service as it is now: where it listens and which replicas it forwards to (the ready ones). This is
 * also the body of {@code GET /workloads/{id}/service}.
 *
 * @param address the address it listens on (empty until it listens)
 * @param port the port it listens on: {@code service.port}, or {@code nodePort} for NodePort
 * @param listening whether the listener is open
 * @param message what the service is doing, or why it cannot listen
 */
public record ServiceState(
        String workloadId,
        String type,
        String protocol,
        String address,
        int port,
        Integer targetPort,
        boolean listening,
        String message,
        List<Endpoint> endpoints) {
    public ServiceState {
        endpoints = List.copyOf(endpoints);
    }

    /** One ready replica. */
    public record Endpoint(String podId, String host, int port) {}
}
