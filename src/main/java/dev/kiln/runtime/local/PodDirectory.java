package dev.kiln.runtime.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.runtime.PodKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One pod's directory, {@code <dataDir>/pods/<workloadId>/<dispatch>/<podId>/}:
 *
 * <pre>
 * launch.json     what was launched: node, container, env, shell, start time (mode 0600 with its directory)
 * entrypoint.sh   the decoded script, for people reading the directory
 * pid             "pid startTicks startEpochMillis": start ticks tell the pod from a later process reusing the pid
 * exit            the exit code, written by the wrapper (exit.tmp, then renamed); its mtime is the end time.
 *                 A second line, if any, is a reason Kiln wrote itself when the wrapper could not (Killed, Lost)
 * stop            "requestedEpochMillis graceMillis": Kiln asked the pod to stop (survives a server restart)
 * exit.N, stop.N  the ends of earlier runs of a restarted pod (restart policy Always), N = 1, 2, ...
 * work/           the working directory; removed by release
 * logs/NAME.log   the container's stdout and stderr, written by the process itself; kept by release
 * logs/NAME.idx   (time, size) samples of the log, see LogIndex
 * </pre>
 */
record PodDirectory(Path root) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static PodDirectory of(Path dataDir, PodKey key) {
        return new PodDirectory(dataDir.resolve("pods")
                .resolve(key.workloadId())
                .resolve(Integer.toString(key.dispatch()))
                .resolve(key.podId()));
    }

    /** What launch.json holds. The script is kept beside it in entrypoint.sh. */
    record Launch(
            String workloadId,
            int dispatch,
            String podId,
            String node,
            String container,
            String shell,
            Map<String, String> env,
            long startEpochMillis) {
        PodKey key() {
            return new PodKey(workloadId, dispatch, podId);
        }
    }

    /** Contents of the pid file. */
    record Pid(long pid, long startTicks, Instant startTime) {}

    /** Contents of the exit file; {@code reason} is null when the wrapper wrote it. */
    record Exit(int code, String reason, Instant endTime) {}

    Path work() {
        return root.resolve("work");
    }

    Path logs() {
        return root.resolve("logs");
    }

    Path log(String container) {
        return logs().resolve(PodKey.checkId("container", container) + ".log");
    }

    Path logIndex(String container) {
        return logs().resolve(PodKey.checkId("container", container) + ".idx");
    }

    Path launchFile() {
        return root.resolve("launch.json");
    }

    Path exitFile() {
        return root.resolve("exit");
    }

    boolean exists() {
        return Files.isRegularFile(launchFile());
    }

    void writeLaunch(Launch launch, String script) throws IOException {
        writeAtomically(root.resolve("entrypoint.sh"), script);
        writeAtomically(launchFile(), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(launch));
    }

    Optional<Launch> readLaunch() throws IOException {
        try {
            return Optional.of(JSON.readValue(launchFile().toFile(), Launch.class));
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            return Optional.empty();
        }
    }

    void writePid(Pid pid) throws IOException {
        writeAtomically(
                root.resolve("pid"),
                pid.pid() + " " + pid.startTicks() + " " + pid.startTime().toEpochMilli() + "\n");
    }

    Optional<Pid> readPid() throws IOException {
        return read(root.resolve("pid")).map(text -> {
            String[] parts = text.trim().split("\\s+");
            return new Pid(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Instant.ofEpochMilli(Long.parseLong(parts[2])));
        });
    }

    Optional<Exit> readExit() throws IOException {
        Optional<String> text = read(exitFile());
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Instant end;
        try {
            end = Files.getLastModifiedTime(exitFile()).toInstant();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        String[] lines = text.get().strip().split("\n");
        int code;
        try {
            code = Integer.parseInt(lines[0].strip());
        } catch (NumberFormatException e) {
            return Optional.of(new Exit(137, "Lost", end)); // unreadable: treat as an unrecorded end
        }
        String reason = lines.length > 1 && !lines[1].isBlank() ? lines[1].strip() : null;
        return Optional.of(new Exit(code, reason, end));
    }

    /** Records an end the wrapper could not record itself (it was killed). */
    void writeExit(int code, String reason) throws IOException {
        writeAtomically(exitFile(), code + "\n" + reason + "\n");
    }

    void writeStop(Instant requested, long graceMillis) throws IOException {
        writeAtomically(root.resolve("stop"), requested.toEpochMilli() + " " + graceMillis + "\n");
    }

    /** {requestedEpochMillis, graceMillis} when a stop was requested. */
    Optional<long[]> readStop() throws IOException {
        return read(root.resolve("stop")).map(text -> {
            String[] parts = text.trim().split("\\s+");
            return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
        });
    }

    /**
     * Moves the last end (exit and stop files) aside as {@code exit.N} / {@code stop.N}, so the pod can run again in
     * this directory; N is one more than the highest kept so far.
     */
    void archiveEnd() throws IOException {
        int n = 1;
        while (Files.exists(root.resolve("exit." + n))) {
            n++;
        }
        if (Files.exists(exitFile())) {
            Files.move(exitFile(), root.resolve("exit." + n), StandardCopyOption.REPLACE_EXISTING);
        }
        Path stop = root.resolve("stop");
        if (Files.exists(stop)) {
            Files.move(stop, root.resolve("stop." + n), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    void deleteWork() throws IOException {
        deleteRecursively(work());
        Files.deleteIfExists(root.resolve("entrypoint.sh"));
    }

    private static Optional<String> read(Path file) throws IOException {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    static void writeAtomically(Path file, String content) throws IOException {
        // a name of its own: the pod's wrapper writes exit.tmp, and two writers must never share a temporary file
        Path temporary = file.resolveSibling(file.getFileName() + ".kiln-" + Long.toHexString(System.nanoTime()) + ".tmp");
        Files.writeString(temporary, content, StandardCharsets.UTF_8);
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(directory, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
