package dev.kiln.lifecycle;

import dev.kiln.runtime.PodKey;
import dev.kiln.runtime.PodLaunch;
import dev.kiln.runtime.PodRuntime;
import dev.kiln.runtime.PodStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A runtime whose pods run only in the test's imagination: the test says when they write and when they exit. */
final class FakeRuntime implements PodRuntime {
    private final Clock clock;
    final Map<PodKey, PodLaunch> launched = new LinkedHashMap<>();
    final Map<PodKey, PodStatus> status = new ConcurrentHashMap<>();
    final Map<PodKey, Instant> lastWrite = new ConcurrentHashMap<>();
    final Map<PodKey, Long> logBytes = new ConcurrentHashMap<>();
    final Set<PodKey> released = ConcurrentHashMap.newKeySet();
    final Set<PodKey> purged = ConcurrentHashMap.newKeySet();
    final List<PodKey> stops = new CopyOnWriteArrayList<>();
    final List<PodLaunch> starts = new CopyOnWriteArrayList<>();
    final List<PodLaunch> restarts = new CopyOnWriteArrayList<>();
    private final List<Consumer<PodStatus>> listeners = new CopyOnWriteArrayList<>();

    FakeRuntime(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized void start(PodLaunch launch) {
        starts.add(launch);
        launched.put(launch.key(), launch);
        status.put(launch.key(), new PodStatus.Running(launch.key(), launch.node(), 1L, clock.instant()));
    }

    @Override
    public synchronized void restart(PodLaunch launch) {
        restarts.add(launch);
        launched.put(launch.key(), launch);
        status.put(launch.key(), new PodStatus.Running(launch.key(), launch.node(), 1L, clock.instant()));
    }

    /** The pod's process ends with this code now. */
    void exit(PodKey key, int code) {
        exitAt(key, code, clock.instant());
    }

    /** The pod's process ended with this code at {@code end}. */
    void exitAt(PodKey key, int code, Instant end) {
        PodStatus current = status.get(key);
        String node = current == null || current.node() == null ? "node-a" : current.node();
        Instant start = current == null || current.startTime() == null ? end : current.startTime();
        PodStatus.Exited exited = new PodStatus.Exited(key, node, 1L, start, end, code,
                code == 0 ? "Completed" : "Error", "exited with code " + code);
        status.put(key, exited);
        listeners.forEach(l -> l.accept(exited));
    }

    /** Ends every running pod of the workload's latest launches with {@code code}. */
    void exitAll(String workloadId, int code) {
        for (PodKey key : new ArrayList<>(launched.keySet())) {
            if (key.workloadId().equals(workloadId) && status.get(key) instanceof PodStatus.Running) {
                exit(key, code);
            }
        }
    }

    List<PodKey> keysOf(String workloadId) {
        return launched.keySet().stream().filter(k -> k.workloadId().equals(workloadId)).toList();
    }

    @Override
    public void stop(PodKey key, Duration grace) {
        stops.add(key);
        if (status.get(key) instanceof PodStatus.Running) {
            exit(key, 143);
        }
    }

    @Override
    public PodStatus status(PodKey key) {
        return status.getOrDefault(key, new PodStatus.Unknown(key, "never started"));
    }

    @Override
    public List<PodStatus> adopt() {
        return List.copyOf(status.values());
    }

    @Override
    public void onExit(Consumer<PodStatus> listener) {
        listeners.add(listener);
    }

    @Override
    public List<String> tail(PodKey key, String container, int tailLines, Duration since) {
        return List.of();
    }

    @Override
    public List<String> containers(PodKey key) {
        PodLaunch l = launched.get(key);
        return l == null ? List.of() : List.of(l.container());
    }

    @Override
    public List<String> shells(String node) {
        return List.of("sh");
    }

    @Override
    public Optional<Instant> lastLogWrite(PodKey key) {
        return Optional.ofNullable(lastWrite.get(key));
    }

    @Override
    public void release(PodKey key) {
        released.add(key);
    }

    @Override
    public void purge(PodKey key) {
        purged.add(key);
        logBytes.put(key, 0L);
    }

    @Override
    public long logBytes(PodKey key) {
        return logBytes.getOrDefault(key, 0L);
    }

    @Override
    public dev.kiln.runtime.PodProcess exec(PodKey key, dev.kiln.runtime.PodExec exec) throws java.io.IOException {
        throw new java.io.IOException("the fake runtime runs no processes");
    }

    @Override
    public void close() {}
}
