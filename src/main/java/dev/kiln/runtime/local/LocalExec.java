package dev.kiln.runtime.local;

import com.pty4j.PtyProcess;
import com.pty4j.PtyProcessBuilder;
import com.pty4j.WinSize;
import dev.kiln.runtime.PodExec;
import dev.kiln.runtime.PodProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A command run in a local pod's working directory and environment. With a terminal it gets a new pseudo-terminal
 * (pty4j), whose child is a session leader; without one it is started through {@code setsid} on plain pipes. Either
 * way the process leads its own session, so {@link #close()} finds everything it started through the session id,
 * including background jobs that an interactive shell put in process groups of their own.
 */
final class LocalExec implements PodProcess {
    private final Process process;
    private final PtyProcess pty;
    private final AtomicBoolean closed = new AtomicBoolean();

    private LocalExec(Process process) {
        this.process = process;
        this.pty = process instanceof PtyProcess p ? p : null;
    }

    static LocalExec start(PodExec exec, Path work, Map<String, String> env, String setsid) throws IOException {
        if (exec.terminal() != null) {
            PtyProcess process = new PtyProcessBuilder(exec.command().toArray(String[]::new))
                    .setEnvironment(env)
                    .setDirectory(work.toString())
                    .setInitialColumns(exec.terminal().cols())
                    .setInitialRows(exec.terminal().rows())
                    .setRedirectErrorStream(true)
                    .start();
            return new LocalExec(process);
        }
        if (setsid == null) {
            throw new IOException("cannot run a command in a pod: setsid (util-linux) is not installed");
        }
        List<String> command = new ArrayList<>();
        command.add(setsid);
        command.addAll(exec.command());
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        return new LocalExec(builder.start());
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public OutputStream stdin() {
        return process.getOutputStream();
    }

    @Override
    public InputStream stdout() {
        return process.getInputStream();
    }

    @Override
    public InputStream stderr() {
        return pty != null ? InputStream.nullInputStream() : process.getErrorStream();
    }

    @Override
    public void resize(PodExec.Terminal size) {
        if (pty != null && pty.isAlive()) {
            pty.setWinSize(new WinSize(size.cols(), size.rows()));
        }
    }

    @Override
    public CompletableFuture<Integer> onExit() {
        return process.onExit().thenApply(Process::exitValue);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            ProcessGroups.killSession(process.pid());
            process.destroyForcibly();
        }
    }
}
