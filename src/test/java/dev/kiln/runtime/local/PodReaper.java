package dev.kiln.runtime.local;

import dev.kiln.runtime.PodStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** Test cleanup: SIGKILLs the process group of every pod still running under a data directory. */
public final class PodReaper {
    private PodReaper() {}

    /** Kills every running pod's group and returns how many were running. */
    public static int killAll(Path dataDir) {
        if (!Files.isDirectory(dataDir)) {
            return 0;
        }
        int running = 0;
        try (LocalRuntime runtime = new LocalRuntime(dataDir, Clock.systemUTC())) {
            for (PodStatus status : runtime.adopt()) {
                if (status instanceof PodStatus.Running r) {
                    running++;
                    ProcessGroups.signalGroup(r.pid(), "KILL");
                }
            }
        }
        return running;
    }

    /** The pids of the running pods' wrappers (= their process groups). */
    public static List<Long> runningGroups(Path dataDir) {
        try (LocalRuntime runtime = new LocalRuntime(dataDir, Clock.systemUTC())) {
            return runtime.adopt().stream()
                    .filter(s -> s instanceof PodStatus.Running)
                    .map(s -> ((PodStatus.Running) s).pid())
                    .toList();
        }
    }

    /** Whether any process of the group {@code pgid} is alive. */
    public static boolean groupAlive(long pgid) {
        return ProcessGroups.groupAlive(pgid);
    }
}
