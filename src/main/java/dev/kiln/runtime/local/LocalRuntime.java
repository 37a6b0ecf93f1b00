package dev.kiln.runtime.local;

import static java.util.Objects.requireNonNull;

import dev.kiln.runtime.PodKey;
import dev.kiln.runtime.PodExec;
import dev.kiln.runtime.PodLaunch;
import dev.kiln.runtime.PodProcess;
import dev.kiln.runtime.PodRuntime;
import dev.kiln.runtime.PodStatus;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pods as local processes. Each pod is a process group in its own session ({@code setsid}), so it outlives the
 * server; a tiny {@code /bin/sh} wrapper runs the entrypoint in the pod's {@code work/} directory with stdout and
 * stderr going straight to the log file, and records the exit code in the pod directory (see {@link PodDirectory}).
 * Everything the runtime knows is on disk, so a new instance {@link #adopt()}s what an earlier one started.
 */
public final class LocalRuntime implements PodRuntime {
    private static final Logger log = LoggerFactory.getLogger(LocalRuntime.class);

    /** Environment names passed from the server's environment to every pod (the launch env wins on a clash). */
    public static final List<String> INHERITED_ENV = List.of(
            "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR",
            "LD_LIBRARY_PATH");

    /**
     * The wrapper: $1 pod directory, then the command. Its stdout/stderr are the log file (opened by the runtime in
     * append mode), which the command inherits. The TERM trap keeps the wrapper alive while the group is stopped
     * (a trap, unlike an ignored signal, is reset in the child), so the exit code is still recorded; the command
     * runs in the foreground, so the trap only runs once it has ended. {@code mv} gets its own PATH: the pod's env
     * (which the wrapper runs with, so the command inherits it unchanged) may set any PATH.
     */
    static final String WRAPPER = """
            dir=$1; shift
            trap 'stopping=1' TERM INT HUP
            record() { echo "$1" > "$dir/exit.tmp" && PATH=/usr/bin:/bin mv -f "$dir/exit.tmp" "$dir/exit"; }
            cd "$dir/work" || { record 127; exit 127; }
            "$@" </dev/null
            code=$?
            record "$code"
            exit "$code"
            """;

    /** Scripts longer than this run from entrypoint.sh instead of as a -c argument (Linux caps one argument at 128 KiB). */
    static final int MAX_INLINE_SCRIPT_BYTES = 100_000;

    private final Path dataDir;
    private final Clock clock;
    private final Map<String, String> baseEnv;
    private final String setsid;
    private final List<String> shells;
    private final ScheduledExecutorService executor;
    private final Map<PodKey, Pod> pods = new ConcurrentHashMap<>();
    private final Map<Path, LogIndex> indexes = new ConcurrentHashMap<>();
    private final List<Consumer<PodStatus>> listeners = new CopyOnWriteArrayList<>();
    /** Commands running in pods (shells); they end with their pod. */
    private final Map<PodKey, Set<PodProcess>> execs = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** A runtime whose pods inherit {@link #INHERITED_ENV} from this server's environment. */
    public LocalRuntime(Path dataDir, Clock clock) {
        this(dataDir, clock, inheritedEnvironment());
    }

    public LocalRuntime(Path dataDir, Clock clock, Map<String, String> baseEnv) {
        this.dataDir = requireNonNull(dataDir, "dataDir is null").toAbsolutePath();
        this.clock = requireNonNull(clock, "clock is null");
        this.baseEnv = Map.copyOf(requireNonNull(baseEnv, "baseEnv is null"));
        this.setsid = findExecutable("setsid").orElse(null);
        this.shells = Stream.of("bash", "sh", "zsh")
                .filter(shell -> findExecutable(shell).isPresent())
                .toList();
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "kiln-local-runtime");
            thread.setDaemon(true);
            return thread;
        });
        pool.setRemoveOnCancelPolicy(true);
        this.executor = pool;
    }

    private static Map<String, String> inheritedEnvironment() {
        Map<String, String> env = new HashMap<>();
        for (String name : INHERITED_ENV) {
            String value = System.getenv(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        return env;
    }

    @Override
    public void start(PodLaunch launch) throws IOException {
        requireNonNull(launch, "launch is null");
        checkOpen();
        if (setsid == null) {
            throw new IOException("cannot start pod " + launch.key() + ": setsid (util-linux) is not installed");
        }
        PodDirectory directory = PodDirectory.of(dataDir, launch.key());
        if (pods.containsKey(launch.key()) || directory.exists()) {
            throw new FileAlreadyExistsException(directory.root().toString(), null, "pod " + launch.key() + " was already started");
        }
        Files.createDirectories(directory.root().getParent());
        Files.createDirectories(directory.root(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.createDirectories(directory.work());
        Files.createDirectories(directory.logs());
        spawn(launch, directory);
    }

    /**
     * Runs an ended pod again under the same key: the same directory and working directory, the same log (appended
     * to), a new process. The previous end is kept as {@code exit.<n>} beside the pod's files, so the new process
     * is seen as running (also by a later {@link #adopt()}) until it writes its own exit file.
     */
    @Override
    public void restart(PodLaunch launch) throws IOException {
        requireNonNull(launch, "launch is null");
        checkOpen();
        if (setsid == null) {
            throw new IOException("cannot restart pod " + launch.key() + ": setsid (util-linux) is not installed");
        }
        PodDirectory directory = PodDirectory.of(dataDir, launch.key());
        Pod previous = find(launch.key()).orElseThrow(() -> new java.nio.file.NoSuchFileException(
                directory.root().toString(), null, "pod " + launch.key() + " was never started; start it instead"));
        if (status(previous) instanceof PodStatus.Running) {
            throw new IllegalStateException("pod " + launch.key() + " is still running (pid " + previous.pid + "); stop it first");
        }
        previous.notified.set(true); // its end was reported already; a late exit callback must not report it again
        pods.remove(launch.key(), previous);
        directory.archiveEnd();
        Files.createDirectories(directory.work());
        Files.createDirectories(directory.logs());
        spawn(launch, directory);
    }

    private void spawn(PodLaunch launch, PodDirectory directory) throws IOException {
        Instant startTime = clock.instant();
        String shell = findExecutable("bash").orElse("/bin/sh");
        java.util.Map<String, String> env = new java.util.LinkedHashMap<>(launch.env());
        if (launch.volume() != null) {
            Path volume = dataDir.resolve("volumes").resolve(launch.key().workloadId()).resolve(launch.volume());
            Files.createDirectories(volume);
            env.putIfAbsent("KILN_VOLUME", volume.toString());
        }
        directory.writeLaunch(
                new PodDirectory.Launch(
                        launch.key().workloadId(), launch.key().dispatch(), launch.key().podId(), launch.node(),
                        launch.container(), shell, env, startTime.toEpochMilli()),
                launch.script());

        List<String> command = new ArrayList<>(List.of(setsid, "/bin/sh", "-c", WRAPPER, "kiln-pod", directory.root().toString(), shell));
        if (shell.endsWith("bash")) {
            command.addAll(List.of("-o", "pipefail"));
        }
        if (launch.script().getBytes(StandardCharsets.UTF_8).length <= MAX_INLINE_SCRIPT_BYTES) {
            command.addAll(List.of("-c", launch.script()));
        } else {
            command.add(directory.root().resolve("entrypoint.sh").toString());
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory.work().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.log(launch.container()).toFile()))
                .redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(baseEnv);
        builder.environment().putAll(env);
        Process process = builder.start();

        long pid = process.pid();
        // The wrapper may already have ended (a short script); its start time then no longer matters.
        long ticks = ProcessGroups.startTicks(pid).orElse(-1);
        directory.writePid(new PodDirectory.Pid(pid, ticks, startTime));
        Pod pod = new Pod(launch.key(), launch.node(), launch.container(), directory, pid, ticks, startTime, process);
        pods.put(launch.key(), pod);
        sample(pod, startTime);
        log.info("started pod {} on node {} as pid {}", launch.key(), launch.node(), pid);
        process.onExit().whenCompleteAsync((ignored, error) -> ended(pod), executor);
    }

    /**
     * Signals the pod's whole process group. Java returns from a spawn once {@code setsid} has been exec'd, a moment
     * before it calls setsid(2), and until then a group signal would miss the pod; so a pod this runtime spawned is
     * first awaited (bounded) until it leads its own group. Waiting here, not at start, keeps starts fast.
     */
    private static void signalPodGroup(Pod pod, String signal) {
        if (pod.process != null) {
            try {
                if (!awaitOwnGroup(pod.process)) {
                    log.warn("pod {} (pid {}) did not start its own session within 10s", pod.key, pod.pid);
                }
            } catch (IOException e) {
                log.warn("could not wait for the group of pod {}: {}", pod.key, e.toString());
            }
        }
        ProcessGroups.signalGroup(pod.pid, signal);
    }

    /** True once the process leads its own group (or has ended: nothing left to wait for). */
    private static boolean awaitOwnGroup(Process process) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ProcessGroups.processGroup(process.pid()).orElse(process.pid()) != process.pid()) {
            try {
                if (process.waitFor(1, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while starting pid " + process.pid(), e);
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void stop(PodKey key, Duration grace) {
        requireNonNull(key, "key is null");
        requireNonNull(grace, "grace is null");
        Pod pod = find(key).orElse(null);
        if (pod == null || !(status(pod) instanceof PodStatus.Running)) {
            return;
        }
        Instant now = clock.instant();
        try {
            if (pod.directory.readStop().isEmpty()) {
                pod.directory.writeStop(now, grace.toMillis());
            }
        } catch (IOException e) {
            log.warn("could not record the stop of pod {}: {}", key, e.toString());
        }
        pod.stopRequested = true;
        submit(() -> signalPodGroup(pod, "TERM"));
        scheduleKill(pod, grace);
    }

    private void scheduleKill(Pod pod, Duration delay) {
        try {
            executor.schedule(
                    () -> {
                        if (ProcessGroups.groupAlive(pod.pid)) {
                            log.info("pod {} outlived its stop grace period: killing it", pod.key);
                            signalPodGroup(pod, "KILL");
                        }
                    },
                    Math.max(0, delay.toMillis()),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed: the next runtime resumes the stop from the stop file
        }
    }

    @Override
    public PodStatus status(PodKey key) {
        requireNonNull(key, "key is null");
        return find(key).map(this::status).orElseGet(() -> new PodStatus.Unknown(key, "no pod " + key + " on this host"));
    }

    private PodStatus status(Pod pod) {
        try {
            Optional<PodDirectory.Exit> exit = pod.directory.readExit();
            if (exit.isEmpty()) {
                if (pod.pid > 0 && ProcessGroups.isAlive(pod.pid, pod.startTicks)) {
                    return new PodStatus.Running(pod.key, pod.node, pod.pid, pod.startTime);
                }
                // Gone: look again, since the wrapper writes the exit file just before it ends.
                exit = pod.directory.readExit();
            }
            if (exit.isEmpty()) {
                exit = Optional.of(recordUnobservedEnd(pod));
            }
            return exited(pod, exit.get());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the state of pod " + pod.key, e);
        }
    }

    /**
     * The wrapper died without writing the exit file, so it was SIGKILLed (by a stop that ran out of grace, by the
     * OOM killer, by a person). Record 137 once, so the answer and the end time stay the same from now on, and kill
     * whatever is left of the group: nothing of a pod may run untracked.
     */
    private PodDirectory.Exit recordUnobservedEnd(Pod pod) throws IOException {
        synchronized (pod) {
            Optional<PodDirectory.Exit> exit = pod.directory.readExit();
            if (exit.isPresent()) {
                return exit.get();
            }
            if (pod.pid > 1 && ProcessGroups.groupAlive(pod.pid)) {
                ProcessGroups.signalGroup(pod.pid, "KILL");
            }
            int code = 137;
            if (pod.process != null && !pod.process.isAlive()) {
                code = pod.process.exitValue();
            }
            boolean stopped = pod.stopRequested || pod.directory.readStop().isPresent();
            pod.directory.writeExit(code, stopped ? "Killed" : "Lost");
            return pod.directory.readExit().orElseThrow();
        }
    }

    private PodStatus exited(Pod pod, PodDirectory.Exit exit) throws IOException {
        boolean stopped = pod.stopRequested || pod.directory.readStop().isPresent();
        String reason;
        String message;
        if (exit.reason() != null) {
            reason = exit.reason();
            message = switch (reason) {
                case "Killed" -> "killed after the stop grace period; no exit code recorded (assumed " + exit.code() + ")";
                case "Lost" -> "the pod's process disappeared without recording an exit code (assumed " + exit.code() + ")";
                default -> "exited with code " + exit.code();
            };
        } else if (exit.code() == 0) {
            reason = "Completed";
            message = "exited with code 0";
        } else if (stopped) {
            reason = "Killed";
            message = "stopped; exited with code " + exit.code();
        } else {
            reason = "Error";
            message = "exited with code " + exit.code();
        }
        return new PodStatus.Exited(pod.key, pod.node, pod.pid, pod.startTime, exit.endTime(), exit.code(), reason, message);
    }

    @Override
    public List<PodStatus> adopt() {
        checkOpen();
        List<PodStatus> found = new ArrayList<>();
        for (PodDirectory directory : podDirectories()) {
            Pod pod;
            try {
                pod = load(directory).orElse(null);
            } catch (IOException | RuntimeException e) {
                log.warn("skipping unreadable pod directory {}: {}", directory.root(), e.toString());
                continue;
            }
            if (pod == null) {
                continue;
            }
            Pod tracked = pods.putIfAbsent(pod.key, pod);
            if (tracked != null) {
                found.add(status(tracked));
                continue;
            }
            PodStatus status = status(pod);
            found.add(status);
            if (status instanceof PodStatus.Running) {
                watch(pod);
            } else {
                pod.notified.set(true); // ended while the server was down: reported here, not through onExit
                pod.exited = true;
            }
        }
        found.sort(Comparator.comparing(status -> status.key().toString()));
        log.info("adopted {} pods ({} running)", found.size(), found.stream().filter(s -> s instanceof PodStatus.Running).count());
        return List.copyOf(found);
    }

    private void watch(Pod pod) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pod.pid);
        if (handle.isEmpty()) {
            submit(() -> ended(pod));
            return;
        }
        handle.get().onExit().whenCompleteAsync((ignored, error) -> ended(pod), executor);
        try {
            Optional<long[]> stop = pod.directory.readStop();
            if (stop.isPresent()) {
                // A stop was under way when the previous server went away: finish it on time. The TERM may never
                // have been sent, so send it again (a second TERM to a stopping pod is harmless).
                pod.stopRequested = true;
                submit(() -> ProcessGroups.signalGroup(pod.pid, "TERM"));
                Instant killAt = Instant.ofEpochMilli(stop.get()[0] + stop.get()[1]);
                scheduleKill(pod, Duration.between(clock.instant(), killAt));
            }
        } catch (IOException e) {
            log.warn("could not read the stop file of pod {}: {}", pod.key, e.toString());
        }
    }

    private List<PodDirectory> podDirectories() {
        Path root = dataDir.resolve("pods");
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.find(root, 3, (path, attributes) -> attributes.isDirectory() && root.relativize(path).getNameCount() == 3)) {
            return paths.map(PodDirectory::new).filter(PodDirectory::exists).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list pods under " + root, e);
        }
    }

    /** The wrapper ended: kill any process it left behind (a container's processes end with it), then tell listeners. */
    private void ended(Pod pod) {
        if (closed.get() || !pod.notified.compareAndSet(false, true)) {
            return;
        }
        if (pod.pid > 1 && ProcessGroups.groupAlive(pod.pid)) {
            ProcessGroups.signalGroup(pod.pid, "KILL");
        }
        pod.exited = true;
        endExecs(pod.key);
        sample(pod, clock.instant());
        PodStatus status = status(pod);
        log.info("pod {} ended: {}", pod.key, status.message());
        for (Consumer<PodStatus> listener : listeners) {
            try {
                listener.accept(status);
            } catch (RuntimeException e) {
                log.warn("exit listener failed for pod {}", pod.key, e);
            }
        }
    }

    @Override
    public void onExit(Consumer<PodStatus> listener) {
        listeners.add(requireNonNull(listener, "listener is null"));
    }

    /**
     * Samples the size of every live pod's log, about once a second (the server's loop calls this). These samples
     * are what {@code since} and {@link #lastLogWrite} answer from, so their granularity is the sampling interval
     * (a {@code since} query may return up to one interval more than asked, never less).
     */
    @Override
    public void sampleLogs(Instant now) {
        for (Pod pod : pods.values()) {
            if (pod.process == null && !pod.exited && !ProcessGroups.isAlive(pod.pid, pod.startTicks)) {
                // adopted: the JDK polls a process that is not its child every few seconds; this notices sooner
                submit(() -> ended(pod));
            }
            if (!pod.exited || !pod.finalSampled) {
                pod.finalSampled = pod.exited;
                sample(pod, now);
            }
        }
    }

    private void sample(Pod pod, Instant now) {
        Path file = pod.directory.log(pod.container);
        try {
            long size = Files.exists(file) ? Files.size(file) : 0;
            index(pod.directory, pod.container).sample(now, size);
        } catch (IOException e) {
            log.warn("could not sample the log of pod {}: {}", pod.key, e.toString());
        }
    }

    private LogIndex index(PodDirectory directory, String container) {
        return indexes.computeIfAbsent(directory.logIndex(container), LogIndex::new);
    }

    @Override
    public List<String> tail(PodKey key, String container, int tailLines, Duration since) throws IOException {
        requireNonNull(key, "key is null");
        PodKey.checkId("container", container);
        if (since != null && (since.isNegative() || since.isZero())) {
            throw new IllegalArgumentException("since " + since + " is out of range: must be positive");
        }
        PodDirectory directory = PodDirectory.of(dataDir, key);
        long from = 0;
        if (since != null) {
            from = index(directory, container).offsetAt(clock.instant().minus(since));
        }
        return LogTail.lastLines(directory.log(container), tailLines, from);
    }

    @Override
    public Optional<Instant> lastLogWrite(PodKey key) {
        requireNonNull(key, "key is null");
        Optional<Pod> pod = find(key);
        if (pod.isEmpty()) {
            return Optional.empty();
        }
        try {
            return index(pod.get().directory, pod.get().container).lastGrowth();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<String> containers(PodKey key) {
        requireNonNull(key, "key is null");
        return find(key).map(pod -> List.of(pod.container)).orElse(List.of());
    }

    /** All virtual nodes run on this host, so every node has this host's shells. */
    @Override
    public List<String> shells(String node) {
        return shells;
    }

    @Override
    public PodProcess exec(PodKey key, PodExec exec) throws IOException {
        requireNonNull(key, "key is null");
        requireNonNull(exec, "exec is null");
        checkOpen();
        Pod pod = find(key).orElseThrow(() -> new IOException("no pod " + key + " on this host"));
        if (!(status(pod) instanceof PodStatus.Running)) {
            throw new IOException("pod " + key + " is not running");
        }
        if (!exec.container().equals(pod.container)) {
            throw new IOException("pod " + key + " has no container " + exec.container() + "; containers: " + pod.container);
        }
        PodDirectory.Launch launch = pod.directory.readLaunch()
                .orElseThrow(() -> new IOException("pod " + key + " has no launch record"));
        Map<String, String> env = new HashMap<>(baseEnv);
        env.putAll(launch.env());
        env.putAll(exec.env());
        String program = exec.command().get(0);
        if (!program.contains("/")) {
            // a bare name (a shell from shells()) is looked up where shells() found it, whatever PATH the pod sets
            String found = findExecutable(program).orElseThrow(() -> new IOException(program + " is not installed on this host"));
            List<String> command = new ArrayList<>(exec.command());
            command.set(0, found);
            exec = new PodExec(exec.container(), command, exec.env(), exec.terminal());
        }
        LocalExec process = LocalExec.start(exec, pod.directory.work(), env, setsid);
        Set<PodProcess> running = execs.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet());
        running.add(process);
        process.onExit().whenComplete((code, error) -> running.remove(process));
        log.info("started {} in pod {} as pid {}", exec.command().get(0), key, process.pid());
        return process;
    }

    @Override
    public Optional<Path> workingDirectory(PodKey key) {
        requireNonNull(key, "key is null");
        Path work = PodDirectory.of(dataDir, key).work();
        return Files.isDirectory(work) ? Optional.of(work) : Optional.empty();
    }

    /** A pod's shells end with it, as a container's exec sessions do. */
    private void endExecs(PodKey key) {
        Set<PodProcess> running = execs.remove(key);
        if (running != null) {
            running.forEach(PodProcess::close);
        }
    }

    @Override
    public void release(PodKey key) throws IOException {
        requireNonNull(key, "key is null");
        Optional<Pod> found = find(key);
        if (found.isEmpty()) {
            return;
        }
        Pod pod = found.get();
        if (status(pod) instanceof PodStatus.Running) {
            pod.stopRequested = true;
            if (pod.directory.readStop().isEmpty()) {
                pod.directory.writeStop(clock.instant(), 0);
            }
            signalPodGroup(pod, "KILL");
            awaitEnd(pod, Duration.ofSeconds(10));
        }
        endExecs(key);
        pod.directory.deleteWork();
        pods.remove(key);
        log.info("released pod {}", key);
    }

    private static void awaitEnd(Pod pod, Duration timeout) {
        Optional<ProcessHandle> handle = pod.process != null ? Optional.of(pod.process.toHandle()) : ProcessHandle.of(pod.pid);
        try {
            if (handle.isPresent()) {
                handle.get().onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            log.warn("pod {} did not end within {} of SIGKILL", pod.key, timeout);
        }
    }

    @Override
    public void purge(PodKey key) throws IOException {
        requireNonNull(key, "key is null");
        if (pods.containsKey(key)) {
            release(key);
        }
        PodDirectory directory = PodDirectory.of(dataDir, key);
        indexes.keySet().removeIf(path -> path.startsWith(directory.root()));
        PodDirectory.deleteRecursively(directory.root());
        log.info("purged the logs of pod {}", key);
    }

    @Override
    public long logBytes(PodKey key) {
        requireNonNull(key, "key is null");
        Path logs = PodDirectory.of(dataDir, key).logs();
        if (!Files.isDirectory(logs)) {
            return 0;
        }
        try (var files = Files.list(logs)) {
            return files.mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Stops watching, once any task under way has finished; the pods keep running and the next runtime adopts them. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            executor.shutdownNow();
            try {
                // let a task under way (an exit being recorded) finish, so nothing writes after close returns
                executor.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Optional<Pod> find(PodKey key) {
        Pod pod = pods.get(key);
        if (pod != null) {
            return Optional.of(pod);
        }
        try {
            return load(PodDirectory.of(dataDir, key));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read pod " + key, e);
        }
    }

    /** A pod from its directory alone (not tracked: only adopt() starts watching it). */
    private Optional<Pod> load(PodDirectory directory) throws IOException {
        Optional<PodDirectory.Launch> launch = directory.readLaunch();
        if (launch.isEmpty()) {
            return Optional.empty();
        }
        PodDirectory.Launch recorded = launch.get();
        // No pid file: the server went away between recording the launch and the spawn; it never ran (pid 0).
        PodDirectory.Pid pid = directory.readPid()
                .orElse(new PodDirectory.Pid(0, -1, Instant.ofEpochMilli(recorded.startEpochMillis())));
        return Optional.of(new Pod(recorded.key(), recorded.node(), recorded.container(), directory, pid.pid(), pid.startTicks(), pid.startTime(), null));
    }

    private void submit(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("runtime is closed");
        }
    }

    static Optional<String> findExecutable(String name) {
        for (String directory : List.of("/usr/local/bin", "/usr/bin", "/bin")) {
            Path candidate = Path.of(directory, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate.toString());
            }
        }
        return Optional.empty();
    }

    /** What this runtime tracks about one pod; the durable truth is its directory. */
    private static final class Pod {
        final PodKey key;
        final String node;
        final String container;
        final PodDirectory directory;
        final long pid;
        final long startTicks;
        final Instant startTime;
        final Process process; // null when adopted
        final AtomicBoolean notified = new AtomicBoolean();
        volatile boolean stopRequested;
        volatile boolean exited;
        volatile boolean finalSampled;

        Pod(PodKey key, String node, String container, PodDirectory directory, long pid, long startTicks, Instant startTime, Process process) {
            this.key = key;
            this.node = node;
            this.container = container;
            this.directory = directory;
            this.pid = pid;
            this.startTicks = startTicks;
            this.startTime = startTime;
            this.process = process;
        }
    }
}
