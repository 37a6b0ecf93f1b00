package dev.kiln.runtime.local;

import dev.kiln.TestingClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.runtime.PodKey;
import dev.kiln.runtime.PodLaunch;
import dev.kiln.runtime.PodPhase;
import dev.kiln.runtime.PodStatus;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRuntimeTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dataDir;

    private LocalRuntime runtime;
    private final BlockingQueue<PodStatus> exits = new LinkedBlockingQueue<>();

    @BeforeEach
    void setUp() {
        runtime = new LocalRuntime(dataDir, Clock.systemUTC());
        runtime.onExit(exits::add);
    }

    @AfterEach
    void tearDown() throws IOException {
        // never leave a test's processes behind
        runtime.close();
        try (LocalRuntime cleaner = new LocalRuntime(dataDir, Clock.systemUTC())) {
            for (PodStatus status : cleaner.adopt()) {
                if (status instanceof PodStatus.Running running) {
                    ProcessGroups.signalGroup(running.pid(), "KILL");
                }
            }
        }
    }

    @Test
    void podThatExitsZeroSucceedsAndItsLogIsReadable() throws Exception {
        PodKey key = new PodKey("train-abcde", 1, "train-abcde-master-0");
        runtime.start(launch(key, "echo one; echo two >&2; echo three"));

        PodStatus status = awaitExit(key);
        assertThat(status.phase()).isEqualTo(PodPhase.SUCCEEDED);
        assertThat(status.exitCode()).isZero();
        assertThat(status.reason()).isEqualTo("Completed");
        assertThat(status.node()).isEqualTo("node-a");
        assertThat(status.endTime()).isNotNull();
        assertThat(runtime.status(key)).isEqualTo(status);
        assertThat(runtime.tail(key, "pytorch", 100, null)).containsExactly("one", "two", "three");
        assertThat(runtime.tail(key, "pytorch", 2, null)).containsExactly("two", "three");
        assertThat(runtime.containers(key)).containsExactly("pytorch");
        assertThat(runtime.shells("node-a")).contains("sh");
    }

    @Test
    void nonZeroExitFailsWithItsCode() throws Exception {
        PodKey key = new PodKey("job-abcde", 2, "job-abcde-worker-0");
        runtime.start(launch(key, "echo failing; exit 3"));

        PodStatus status = awaitExit(key);
        assertThat(status.phase()).isEqualTo(PodPhase.FAILED);
        assertThat(status.exitCode()).isEqualTo(3);
        assertThat(status.reason()).isEqualTo("Error");
        assertThat(status.message()).isEqualTo("exited with code 3");
    }

    @Test
    void pipefailAppliesAndTheScriptRunsInTheWorkDirectory() throws Exception {
        PodKey key = new PodKey("job-abcde", 1, "pipe");
        runtime.start(launch(key, "pwd; false | cat"));

        assertThat(awaitExit(key).exitCode()).isEqualTo(1);
        assertThat(runtime.tail(key, "pytorch", 1, null))
                .containsExactly(PodDirectory.of(dataDir, key).work().toString());
    }

    @Test
    void environmentArrivesAndScriptIsNotReinterpreted() throws Exception {
        PodKey key = new PodKey("env-abcde", 1, "env-abcde-0");
        String script = "echo \"$FOO\"; echo '$(touch injected)'; test -n \"$PATH\" && echo path";
        runtime.start(new PodLaunch(key, "node-a", "main", script, Map.of("FOO", "bar baz; $(id)")));

        awaitExit(key);
        assertThat(runtime.tail(key, "main", 10, null)).containsExactly("bar baz; $(id)", "$(touch injected)", "path");
        assertThat(PodDirectory.of(dataDir, key).work().resolve("injected")).doesNotExist();
    }

    @Test
    void exitCodeIsRecordedEvenWhenThePodSetsAnUnusablePath() throws Exception {
        PodKey key = new PodKey("path-abcde", 1, "path-abcde-0");
        runtime.start(new PodLaunch(key, "node-a", "main", "exit 4", Map.of("PATH", "/nonexistent")));

        PodStatus status = awaitExit(key);
        assertThat(status.exitCode()).isEqualTo(4);
        assertThat(status.reason()).isEqualTo("Error");
    }

    @Test
    void startingTheSamePodTwiceIsRefused() throws Exception {
        PodKey key = new PodKey("dup-abcde", 1, "dup-abcde-0");
        runtime.start(launch(key, "true"));
        assertThatThrownBy(() -> runtime.start(launch(key, "true"))).isInstanceOf(FileAlreadyExistsException.class);
        awaitExit(key);
    }

    @Test
    void stopTerminatesTheWholeGroupAndRecordsTheExitCode() throws Exception {
        PodKey key = new PodKey("stop-abcde", 1, "stop-abcde-0");
        runtime.start(launch(key, "sleep 1000 & sleep 1000 & echo started; wait"));
        long pgid = runtime.status(key).pid();
        await(() -> groupMembers(pgid).size() >= 4, "wrapper, bash and two sleeps to run"); // wrapper, bash, 2 sleeps

        runtime.stop(key, Duration.ofSeconds(5));

        PodStatus status = awaitExit(key);
        assertThat(status.exitCode()).isEqualTo(143);
        assertThat(status.reason()).isEqualTo("Killed");
        assertThat(status.phase()).isEqualTo(PodPhase.FAILED);
        await(() -> groupMembers(pgid).isEmpty(), "every process of the group to end");
        runtime.stop(key, Duration.ofSeconds(5)); // ended: a no-op
    }

    @Test
    void stopKillsAPodThatIgnoresTermAfterTheGrace() throws Exception {
        PodKey key = new PodKey("stubborn-abcde", 1, "stubborn-abcde-0");
        runtime.start(launch(key, "trap '' TERM; echo ready; sleep 1000 & wait; wait"));
        long pgid = runtime.status(key).pid();
        await(() -> runtime.tail(key, "pytorch", 1, null).contains("ready"), "the pod to start");

        runtime.stop(key, Duration.ofMillis(300));

        PodStatus status = awaitExit(key);
        assertThat(status.exitCode()).isEqualTo(137);
        assertThat(status.reason()).isEqualTo("Killed");
        await(() -> groupMembers(pgid).isEmpty(), "every process of the group to end");
        assertThat(runtime.status(key)).isEqualTo(status); // recorded once: the same answer from now on
    }

    @Test
    void processesLeftBehindByAnEndedPodAreKilled() throws Exception {
        PodKey key = new PodKey("daemon-abcde", 1, "daemon-abcde-0");
        runtime.start(launch(key, "sleep 1000 & exit 0"));
        long pgid = runtime.status(key).pid();

        assertThat(awaitExit(key).exitCode()).isZero();
        await(() -> groupMembers(pgid).isEmpty(), "the background sleep to be killed");
    }

    @Test
    void adoptReportsPodsThatEndedWhileDownAndTracksLiveOnes() throws Exception {
        Path trigger = dataDir.resolve("trigger");
        PodKey ends = new PodKey("crash-abcde", 1, "crash-abcde-0");
        PodKey lives = new PodKey("crash-abcde", 1, "crash-abcde-1");
        runtime.start(launch(ends, "exit 7"));
        runtime.start(launch(lives, "while [ ! -e '" + trigger + "' ]; do sleep 0.05; done; echo bye; exit 5"));
        long livePid = runtime.status(lives).pid();
        runtime.close(); // a crash: nothing is stopped
        await(() -> Files.exists(PodDirectory.of(dataDir, ends).exitFile()), "the first pod to end while down");

        runtime = new LocalRuntime(dataDir, Clock.systemUTC());
        BlockingQueue<PodStatus> exits = new LinkedBlockingQueue<>(); // the first runtime may have seen one exit
        runtime.onExit(exits::add);
        List<PodStatus> adopted = runtime.adopt();

        assertThat(adopted).hasSize(2);
        assertThat(adopted.get(0).key()).isEqualTo(ends);
        assertThat(adopted.get(0).exitCode()).isEqualTo(7);
        assertThat(adopted.get(0).phase()).isEqualTo(PodPhase.FAILED);
        assertThat(adopted.get(1)).isInstanceOf(PodStatus.Running.class);
        assertThat(adopted.get(1).pid()).isEqualTo(livePid);
        assertThat(exits).isEmpty();

        Files.createFile(trigger);
        PodStatus exit = exits.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(exit).isNotNull();
        assertThat(exit.key()).isEqualTo(lives);
        assertThat(exit.exitCode()).isEqualTo(5);
        assertThat(runtime.tail(lives, "pytorch", 1, null)).containsExactly("bye");
    }

    @Test
    void aStopUnderWayWhenTheServerWentDownIsFinishedAfterAdopt() throws Exception {
        PodKey key = new PodKey("resume-abcde", 1, "resume-abcde-0");
        runtime.start(launch(key, "trap '' TERM; echo ready; sleep 1000 & wait; wait"));
        long pgid = runtime.status(key).pid();
        await(() -> runtime.tail(key, "pytorch", 1, null).contains("ready"), "the pod to start");
        runtime.stop(key, Duration.ofMillis(300));
        runtime.close(); // before the grace ran out

        runtime = new LocalRuntime(dataDir, Clock.systemUTC());
        BlockingQueue<PodStatus> exits = new LinkedBlockingQueue<>();
        runtime.onExit(exits::add);
        runtime.adopt();

        PodStatus exit = exits.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(exit).isNotNull();
        assertThat(exit.exitCode()).isEqualTo(137);
        assertThat(exit.reason()).isEqualTo("Killed");
        await(() -> groupMembers(pgid).isEmpty(), "every process of the group to end");
    }

    @Test
    void aPodKilledWhileTheServerWasDownIsLostWith137() throws Exception {
        PodKey key = new PodKey("lost-abcde", 1, "lost-abcde-0");
        runtime.start(launch(key, "sleep 1000"));
        long pgid = runtime.status(key).pid();
        runtime.close();
        ProcessGroups.signalGroup(pgid, "KILL");
        await(() -> groupMembers(pgid).isEmpty(), "the pod to die");

        runtime = new LocalRuntime(dataDir, Clock.systemUTC());
        PodStatus status = runtime.adopt().getFirst();
        assertThat(status.exitCode()).isEqualTo(137);
        assertThat(status.reason()).isEqualTo("Lost");
    }

    @Test
    void releaseKillsAndRemovesTheWorkDirectoryButKeepsLogs() throws Exception {
        PodKey key = new PodKey("ttl-abcde", 1, "ttl-abcde-0");
        runtime.start(launch(key, "echo data > file; echo kept; sleep 1000"));
        PodDirectory directory = PodDirectory.of(dataDir, key);
        await(() -> Files.exists(directory.work().resolve("file")), "the pod to write its file");

        runtime.release(key);

        assertThat(directory.work()).doesNotExist();
        assertThat(runtime.tail(key, "pytorch", 10, null)).containsExactly("kept");
        assertThat(runtime.status(key).phase()).isEqualTo(PodPhase.FAILED);
        assertThat(runtime.status(key).exitCode()).isEqualTo(137);
        assertThat(groupMembers(runtime.status(key).pid())).isEmpty();
        runtime.release(key); // again: nothing to do
    }

    @Test
    void unknownPodsAreUnknownAndIgnored() throws Exception {
        PodKey key = new PodKey("none-abcde", 1, "none-abcde-0");
        assertThat(runtime.status(key).phase()).isEqualTo(PodPhase.UNKNOWN);
        assertThat(runtime.containers(key)).isEmpty();
        assertThat(runtime.tail(key, "main", 10, null)).isEmpty();
        assertThat(runtime.lastLogWrite(key)).isEmpty();
        runtime.stop(key, Duration.ZERO);
        runtime.release(key);
    }

    @Test
    void sinceAndLastLogWriteFollowTheSampledClock() throws Exception {
        TestingClock clock = new TestingClock(Instant.parse("2026-03-01T10:00:00Z"));
        runtime.close();
        runtime = new LocalRuntime(dataDir, clock);
        PodKey key = new PodKey("since-abcde", 1, "since-abcde-0");
        runtime.start(launch(key, "sleep 1000"));
        Path log = PodDirectory.of(dataDir, key).log("pytorch");
        assertThat(runtime.lastLogWrite(key)).isEmpty();

        clock.advance(Duration.ofSeconds(10));
        Files.writeString(log, "old 1\nold 2\n", java.nio.file.StandardOpenOption.APPEND);
        runtime.sampleLogs(clock.instant());
        clock.advance(Duration.ofSeconds(10));
        Files.writeString(log, "new 1\nnew 2\n", java.nio.file.StandardOpenOption.APPEND);
        runtime.sampleLogs(clock.instant());
        Instant lastWrite = clock.instant();
        clock.advance(Duration.ofSeconds(10));
        runtime.sampleLogs(clock.instant()); // unchanged

        assertThat(runtime.tail(key, "pytorch", 100, Duration.ofSeconds(15))).containsExactly("new 1", "new 2");
        assertThat(runtime.tail(key, "pytorch", 1, Duration.ofSeconds(15))).containsExactly("new 2");
        assertThat(runtime.tail(key, "pytorch", 100, Duration.ofSeconds(25)))
                .containsExactly("old 1", "old 2", "new 1", "new 2");
        assertThat(runtime.tail(key, "pytorch", 100, Duration.ofSeconds(5))).isEmpty();
        assertThat(runtime.lastLogWrite(key)).contains(lastWrite);

        runtime.stop(key, Duration.ZERO);
        awaitExit(key);
    }

    @Test
    void aLargeScriptRunsFromItsFile() throws Exception {
        PodKey key = new PodKey("large-abcde", 1, "large-abcde-0");
        String script = "x='" + "a".repeat(200_000) + "'\necho ${#x}\n";
        runtime.start(launch(key, script));
        assertThat(awaitExit(key).exitCode()).isZero();
        assertThat(runtime.tail(key, "pytorch", 1, null)).containsExactly("200000");
    }

    @Test
    void hostProbeNeverFails() {
        HostNode host = HostNode.probe(dataDir);
        assertThat(host.name()).isNotBlank();
        assertThat(host.cpus()).isPositive();
        assertThat(host.memoryBytes()).isPositive();
        assertThat(host.diskBytes()).isPositive();
        assertThat(host.gpus()).isNotNegative();
    }

    private static PodLaunch launch(PodKey key, String script) {
        return new PodLaunch(key, "node-a", "pytorch", script, Map.of());
    }

    private PodStatus awaitExit(PodKey key) {
        await(() -> runtime.status(key) instanceof PodStatus.Exited, "pod " + key + " to exit");
        return runtime.status(key);
    }

    private static List<Long> groupMembers(long pgid) {
        return ProcessHandle.allProcesses()
                .map(ProcessHandle::pid)
                .filter(pid -> ProcessGroups.processGroup(pid).orElse(-1) == pgid)
                .filter(pid -> ProcessGroups.isAlive(pid, ProcessGroups.startTicks(pid).orElse(-1)))
                .toList();
    }

    private static void await(CheckedCondition condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                if (condition.test()) {
                    return;
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + WAIT + " waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @FunctionalInterface
    private interface CheckedCondition {
        boolean test() throws Exception;
    }
}
