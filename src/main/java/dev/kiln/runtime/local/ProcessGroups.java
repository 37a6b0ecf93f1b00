package dev.kiln.runtime.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Linux process facts the JDK does not expose: a process's group and its exact start time (to tell a reused pid
 * from the pod's), and signalling a whole process group.
 */
final class ProcessGroups {
    private static final Path PROC = Path.of("/proc");

    private ProcessGroups() {}

    /** Start time of {@code pid} in clock ticks since boot (field 22 of /proc/pid/stat); empty if it is gone. */
    static OptionalLong startTicks(long pid) {
        return stat(pid).map(fields -> OptionalLong.of(Long.parseLong(fields[19]))).orElse(OptionalLong.empty());
    }

    /** Process group of {@code pid} (field 5 of /proc/pid/stat); empty if it is gone. */
    static OptionalLong processGroup(long pid) {
        return stat(pid).map(fields -> OptionalLong.of(Long.parseLong(fields[2]))).orElse(OptionalLong.empty());
    }

    /** True while a process with this pid and this start time exists (a zombie counts as gone). */
    static boolean isAlive(long pid, long startTicks) {
        Optional<String[]> fields = stat(pid);
        return fields.isPresent()
                && !fields.get()[0].equals("Z")
                && !fields.get()[0].equals("X")
                && Long.parseLong(fields.get()[19]) == startTicks;
    }

    /** True while any process is in group {@code pgid}. */
    static boolean groupAlive(long pgid) {
        return signalGroup(pgid, "0");
    }

    /**
     * Sends {@code signal} (a name such as TERM, or 0 to probe) to every process of group {@code pgid} with the
     * shell's kill builtin, which is always there. Returns whether any process received it.
     */
    static boolean signalGroup(long pgid, String signal) {
        if (pgid <= 1) {
            throw new IllegalArgumentException("refusing to signal process group " + pgid);
        }
        // pgid and signal are numbers and fixed names from this class, passed as arguments, never interpolated
        ProcessBuilder kill = new ProcessBuilder(
                        "/bin/sh", "-c", "kill -\"$1\" \"-$2\" 2>/dev/null", "kill", signal, Long.toString(pgid))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        try {
            Process process = kill.start();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * SIGKILLs every process of session {@code sid} (field 6 of /proc/pid/stat), repeating while new ones appear (a
     * process may fork while the list is read). Only a process that started a session of its own escapes.
     */
    static void killSession(long sid) {
        if (sid <= 1) {
            throw new IllegalArgumentException("refusing to kill session " + sid);
        }
        for (int round = 0; round < 10; round++) {
            List<Long> members = new ArrayList<>();
            try (Stream<Path> entries = Files.list(PROC)) {
                entries.map(p -> p.getFileName().toString())
                        .filter(name -> !name.isEmpty() && name.chars().allMatch(Character::isDigit))
                        .map(Long::parseLong)
                        .filter(pid -> stat(pid).map(fields -> Long.parseLong(fields[3]) == sid).orElse(false))
                        .forEach(members::add);
            } catch (IOException | RuntimeException e) {
                return;
            }
            if (members.isEmpty()) {
                return;
            }
            for (long pid : members) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /** The fields of /proc/pid/stat after the command name, starting with the state (field 3). */
    private static Optional<String[]> stat(long pid) {
        try {
            String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
            // the command name (field 2) is in parentheses and may itself contain spaces and parentheses
            return Optional.of(stat.substring(stat.lastIndexOf(')') + 2).trim().split(" "));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
