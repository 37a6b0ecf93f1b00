package dev.kiln.runtime;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where a Deployment's or StatefulSet's {@code service} is reached: in the embedded shape a TCP proxy in the server,
 * in the cluster shape a Kubernetes Service. The lifecycle loop publishes each service's ready endpoints every pass;
 * traffic goes to those only.
 */
public interface ServiceNetwork extends AutoCloseable {
    /** One ready replica: where the proxy connects. */
    record Endpoint(String podId, String host, int port) {
        public Endpoint {
            requireNonNull(podId, "podId is null");
            requireNonNull(host, "host is null");
        }
    }

    /**
     * What to listen on.
     *
     * @param type ClusterIP (the server's bind address) or NodePort (all addresses)
     * @param port the port to listen on: {@code service.port}, or {@code nodePort} for NodePort
     */
    record Binding(String workloadId, String type, String protocol, int port) {
        public Binding {
            requireNonNull(workloadId, "workloadId is null");
            requireNonNull(type, "type is null");
            requireNonNull(protocol, "protocol is null");
        }
    }

    /** What a service looks like now, for {@code GET .../service}. */
    record Status(String address, int port, boolean listening, String message, List<Endpoint> endpoints) {
        public Status {
            endpoints = List.copyOf(endpoints);
        }
    }

    /** Listens for {@code binding} (once) and routes new connections to {@code ready} from now on. */
    void publish(Binding binding, List<Endpoint> ready);

    /** Closes the services of every workload not listed. */
    void retain(Set<String> workloadIds);

    Optional<Status> status(String workloadId);

    @Override
    void close();

    /** No network: services are recorded but not reachable (tests of the loop alone). */
    static ServiceNetwork none() {
        return new ServiceNetwork() {
            @Override
            public void publish(Binding binding, List<Endpoint> ready) {}

            @Override
            public void retain(Set<String> workloadIds) {}

            @Override
            public Optional<Status> status(String workloadId) {
                return Optional.empty();
            }

            @Override
            public void close() {}
        };
    }
}
