package dev.kiln.lifecycle;

import static java.util.Objects.requireNonNull;

import dev.kiln.runtime.PodKey;
import dev.kiln.workload.ProbeSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Readiness and liveness probes (HTTP GET on {@code http://127.0.0.1:<pod port><path>}). The lifecycle loop calls
 * {@link #sync} once a pass with the pods to probe and the time it read; probes that are due are handed to an
 * executor of their own, so a slow pod never holds up the loop, and the loop reads the latest results. Timing
 * (initial delay, period) follows the loop's clock, so tests drive it with a fake clock.
 */
public final class Probes implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Probes.class);

    /** One HTTP check: true when the pod answered 200–399 in time. */
    @FunctionalInterface
    public interface Check {
        boolean check(int port, String path);
    }

    /** A pod to probe in its current run ({@code startedAt} tells one run of a restarted pod from the next). */
    record Target(PodKey key, Instant startedAt, int port, ProbeSpec readiness, ProbeSpec liveness) {}

    private final ExecutorService executor;
    private final Check check;
    private final Map<PodKey, State> states = new ConcurrentHashMap<>();

    public Probes(ExecutorService executor, Check check) {
        this.executor = requireNonNull(executor, "executor is null");
        this.check = requireNonNull(check, "check is null");
    }

    /** Real HTTP probes, each on a virtual thread, with a 1 s timeout (the Kubernetes default). */
    public static Probes http() {
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(1))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        return new Probes(Executors.newVirtualThreadPerTaskExecutor(), (port, path) -> {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(1))
                    .GET()
                    .build();
            try {
                int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                return status >= 200 && status < 400;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    /** Starts the probes that are due at {@code now}; forgets pods no longer listed. */
    void sync(Instant now, Collection<Target> targets) {
        Set<PodKey> seen = new HashSet<>();
        for (Target t : targets) {
            seen.add(t.key());
            State state = states.compute(t.key(), (k, old) ->
                    old != null && Objects.equals(old.startedAt, t.startedAt()) ? old : new State(t.startedAt()));
            due(state.readiness, t.readiness(), t, now);
            due(state.liveness, t.liveness(), t, now);
        }
        states.keySet().retainAll(seen);
    }

    private void due(Result result, ProbeSpec spec, Target t, Instant now) {
        if (spec == null || spec.path() == null || t.port() <= 0) {
            return;
        }
        Instant first = t.startedAt().plusSeconds(spec.initialDelaySeconds() == null ? 0 : spec.initialDelaySeconds());
        if (now.isBefore(first)) {
            return;
        }
        int period = spec.periodSeconds() == null ? 3 : spec.periodSeconds();
        if (result.last != null && now.isBefore(result.last.plusSeconds(period))) {
            return;
        }
        if (!result.inFlight.compareAndSet(false, true)) {
            return;
        }
        result.last = now;
        try {
            executor.execute(() -> {
                boolean ok;
                try {
                    ok = check.check(t.port(), spec.path());
                } catch (RuntimeException e) {
                    log.debug("probe of pod {} failed", t.key(), e);
                    ok = false;
                }
                result.record(ok, spec.failureThreshold() == null ? 3 : spec.failureThreshold());
                result.inFlight.set(false);
            });
        } catch (RejectedExecutionException closed) {
            result.inFlight.set(false);
        }
    }

    /** Ready: no readiness probe, or its last probe passed (not ready until the first one passes). */
    boolean ready(PodKey key, Instant startedAt, ProbeSpec readiness) {
        if (readiness == null || readiness.path() == null) {
            return true;
        }
        State s = states.get(key);
        return s != null && Objects.equals(s.startedAt, startedAt) && s.readiness.ok;
    }

    /** Consecutive failures of the pod's readiness probe in its current run. */
    int readinessFailures(PodKey key, Instant startedAt) {
        State s = states.get(key);
        return s != null && Objects.equals(s.startedAt, startedAt) ? s.readiness.failures : 0;
    }

    /** The liveness probe failed {@code failureThreshold} times in a row in the pod's current run. */
    boolean livenessFailed(PodKey key, Instant startedAt, ProbeSpec liveness) {
        if (liveness == null || liveness.path() == null) {
            return false;
        }
        State s = states.get(key);
        int threshold = liveness.failureThreshold() == null ? 3 : liveness.failureThreshold();
        return s != null && Objects.equals(s.startedAt, startedAt) && s.liveness.failures >= threshold;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    private static final class State {
        final Instant startedAt;
        final Result readiness = new Result();
        final Result liveness = new Result();

        State(Instant startedAt) {
            this.startedAt = startedAt;
        }
    }

    private static final class Result {
        final AtomicBoolean inFlight = new AtomicBoolean();
        volatile Instant last;
        volatile boolean ok;
        volatile int failures;

        /** One success makes it pass; {@code threshold} failures in a row make it fail (Kubernetes semantics). */
        synchronized void record(boolean passed, int threshold) {
            failures = passed ? 0 : failures + 1;
            if (passed) {
                ok = true;
            } else if (failures >= threshold) {
                ok = false;
            }
        }
    }
}
