package dev.kiln.runtime.local;

import static java.util.Objects.requireNonNull;

import dev.kiln.runtime.ServiceNetwork;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Services of the embedded shape: for each service a listener in this server that forwards every TCP connection,
 * round-robin, to one of the workload's ready replicas. Blocking channels on virtual threads (one to accept, two per
 * connection to copy each direction) keep it small. A replica that refuses the connection is skipped for the next,
 * so a replica that died since the loop last looked costs no failed connection while another is ready. UDP is not
 * forwarded in this shape (see docs/DECISIONS.md).
 */
public final class ServiceProxies implements ServiceNetwork {
    private static final Logger log = LoggerFactory.getLogger(ServiceProxies.class);

    private final String bindAddress;
    private final Map<String, Proxy> proxies = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** @param bindAddress where ClusterIP services listen: the server's bind address */
    public ServiceProxies(String bindAddress) {
        this.bindAddress = requireNonNull(bindAddress, "bindAddress is null");
    }

    @Override
    public synchronized void publish(Binding binding, List<Endpoint> ready) {
        if (closed) {
            return;
        }
        Proxy proxy = proxies.get(binding.workloadId());
        if (proxy != null && !proxy.binding.equals(binding)) {
            proxy.close();
            proxies.remove(binding.workloadId(), proxy);
            proxy = null;
        }
        if (proxy == null) {
            proxy = new Proxy(binding, binding.type().equals("NodePort") ? "0.0.0.0" : bindAddress);
            proxies.put(binding.workloadId(), proxy);
            proxy.open();
        }
        proxy.endpoints = List.copyOf(ready);
    }

    @Override
    public synchronized void retain(Set<String> workloadIds) {
        for (var e : proxies.entrySet()) {
            if (!workloadIds.contains(e.getKey())) {
                e.getValue().close();
                proxies.remove(e.getKey(), e.getValue());
            }
        }
    }

    @Override
    public Optional<Status> status(String workloadId) {
        Proxy p = proxies.get(workloadId);
        if (p == null) {
            return Optional.empty();
        }
        return Optional.of(new Status(p.address, p.binding.port(), p.server != null && p.server.isOpen(), p.message,
                p.endpoints));
    }

    @Override
    public synchronized void close() {
        closed = true;
        retain(Set.of());
    }

    private static final class Proxy {
        final Binding binding;
        final String address;
        final AtomicInteger next = new AtomicInteger();
        volatile List<Endpoint> endpoints = List.of();
        volatile ServerSocketChannel server;
        volatile String message = "";

        Proxy(Binding binding, String address) {
            this.binding = binding;
            this.address = address;
        }

        void open() {
            if (!binding.protocol().equals("TCP")) {
                message = "protocol " + binding.protocol() + " is not forwarded in the embedded shape; only TCP is";
                log.warn("service of {}: {}", binding.workloadId(), message);
                return;
            }
            try {
                ServerSocketChannel channel = ServerSocketChannel.open();
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                channel.bind(new InetSocketAddress(address, binding.port()), 128);
                server = channel;
                message = "forwarding TCP " + address + ":" + binding.port() + " to ready replicas";
                Thread.ofVirtual().name("kiln-service-" + binding.workloadId()).start(this::accept);
                log.info("service of {} listens on {}:{}", binding.workloadId(), address, binding.port());
            } catch (IOException | RuntimeException e) {
                message = "cannot listen on " + address + ":" + binding.port() + ": " + e.getMessage();
                log.warn("service of {}: {}", binding.workloadId(), message);
            }
        }

        private void accept() {
            ServerSocketChannel channel = server;
            while (channel.isOpen()) {
                SocketChannel client;
                try {
                    client = channel.accept();
                } catch (IOException e) {
                    return; // closed
                }
                Thread.ofVirtual().start(() -> forward(client));
            }
        }

        private void forward(SocketChannel client) {
            List<Endpoint> ready = endpoints;
            SocketChannel upstream = null;
            int start = Math.floorMod(next.getAndIncrement(), Math.max(1, ready.size()));
            for (int i = 0; i < ready.size() && upstream == null; i++) {
                Endpoint e = ready.get((start + i) % ready.size());
                try {
                    upstream = SocketChannel.open(new InetSocketAddress(e.host(), e.port()));
                } catch (IOException refused) {
                    log.debug("service of {}: endpoint {} refused: {}", binding.workloadId(), e, refused.toString());
                }
            }
            if (upstream == null) {
                closeQuietly(client);
                return;
            }
            SocketChannel target = upstream;
            Thread back = Thread.ofVirtual().start(() -> copy(target, client));
            copy(client, target);
            try {
                back.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closeQuietly(client);
            closeQuietly(target);
        }

        /** Copies until end of stream, then half-closes the other side so the peer sees the end too. */
        private static void copy(SocketChannel from, SocketChannel to) {
            ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
            try {
                while (from.read(buffer) >= 0) {
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        to.write(buffer);
                    }
                    buffer.clear();
                }
                to.shutdownOutput();
            } catch (IOException e) {
                closeQuietly(from);
                closeQuietly(to);
            }
        }

        void close() {
            ServerSocketChannel channel = server;
            if (channel != null) {
                closeQuietly(channel);
                log.info("service of {} closed", binding.workloadId());
            }
        }

        private static void closeQuietly(java.io.Closeable c) {
            try {
                c.close();
            } catch (IOException ignored) {
                // nothing left to do
            }
        }
    }
}
