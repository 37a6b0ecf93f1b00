package dev.kiln.runtime;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * A command started in a pod by {@link PodRuntime#exec}. It runs in its own session, so {@link #close()} can end
 * it together with everything it started (background jobs included), as closing a terminal would.
 */
public interface PodProcess extends AutoCloseable {
    long pid();

    OutputStream stdin();

    /** The terminal's output when it has one (stderr included), else stdout. */
    InputStream stdout();

    /** Empty when the process has a terminal. */
    InputStream stderr();

    /** Changes the terminal's size (the process gets SIGWINCH); ignored without a terminal. */
    void resize(PodExec.Terminal size);

    /** Completes with the exit code. */
    CompletableFuture<Integer> onExit();

    /** Kills the process and every process of its session; safe to call more than once and after it ended. */
    @Override
    void close();
}
