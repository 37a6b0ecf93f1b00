package dev.kiln.runtime;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The seam to where pods run: local processes in the embedded shape, Kubernetes objects in the cluster shape.
 * The runtime reports what it observed; deciding what that means for a workload is the caller's job.
 */
public interface PodRuntime extends AutoCloseable {
    /** Starts one pod; returns once it has been spawned and recorded durably (a restart will find it). */
    void start(PodLaunch launch) throws IOException;

    /**
     * Runs an ended pod again under the same key (restart policy Always): same working directory, the log appended
     * to, a new process; the launch may differ from the first (a rolled-out template). Throws when the pod is still
     * running or was never started. Its next end reaches {@link #onExit} like the first.
     */
    default void restart(PodLaunch launch) throws IOException {
        throw new UnsupportedOperationException("this runtime cannot restart pods");
    }

    /**
     * Asks the pod to stop: SIGTERM to all its processes, SIGKILL after {@code grace} if any is left. Returns at
     * once; the end is observed through {@link #status} and {@link #onExit}. An unknown or ended pod is a no-op.
     */
    void stop(PodKey key, Duration grace);

    /** The current observed state. Never throws for an unknown pod: that is {@link PodStatus.Unknown}. */
    PodStatus status(PodKey key);

    /**
     * Called once when the server starts: every pod the runtime has a record of, with its state. Live pods are
     * tracked again (their exit reaches {@link #onExit} listeners); pods that ended meanwhile report their real
     * exit code.
     */
    List<PodStatus> adopt();

    /** Registers a listener called, on a runtime thread, once per pod exit seen by this runtime instance. */
    void onExit(Consumer<PodStatus> listener);

    /**
     * The last {@code tailLines} lines of a container's log, in original order, without a trailing empty line;
     * only lines written within {@code since} when it is not null. A pod or log that does not exist yields an
     * empty list. The cost does not depend on the size of the log.
     */
    List<String> tail(PodKey key, String container, int tailLines, Duration since) throws IOException;

    /** The pod's container names; empty for an unknown pod. */
    List<String> containers(PodKey key);

    /** The shells available to {@code exec} on a node. */
    List<String> shells(String node);

    /**
     * Starts {@code exec} beside the pod's running main process, in its working directory and environment (shells
     * for the web shell and SSH). Throws IOException when the pod is not running here.
     */
    PodProcess exec(PodKey key, PodExec exec) throws IOException;

    /**
     * The pod's working directory as a local path, for file transfer; empty when the pod has none here (not
     * started, released, or a runtime whose pods are not on this host's filesystem).
     */
    default Optional<java.nio.file.Path> workingDirectory(PodKey key) {
        return Optional.empty();
    }

    /** When the pod's log last grew, as observed by the runtime; empty when never seen to grow. */
    Optional<Instant> lastLogWrite(PodKey key);

    /**
     * Frees the pod's runtime resources once its workload's TTL expires: kills it if still alive and removes its
     * working state, but keeps its logs (they live until the log retention expires).
     */
    void release(PodKey key) throws IOException;

    /**
     * Periodic work, called by the server's loop about once a second with the time read once at the edge. The local
     * runtime samples log sizes here (what {@code since} and {@link #lastLogWrite} answer from); a runtime with
     * nothing to do leaves the default.
     */
    default void sampleLogs(Instant now) {}

    /**
     * Log retention: removes what is left of an ended, released pod — its logs. Afterwards its logs read as empty.
     */
    void purge(PodKey key) throws IOException;

    /** Bytes the pod's logs take now; 0 when none are left. */
    long logBytes(PodKey key);

    /** Stops watching pods; never stops the pods themselves (they outlive the server). */
    @Override
    void close();
}
