package dev.kiln.runtime;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * What a runtime observed about one pod. Fields that do not apply to a state are {@code null} (for example the
 * exit code of a running pod).
 */
public sealed interface PodStatus {
    PodKey key();

    /** The node the pod was placed on, or null when the runtime knows nothing about the pod. */
    String node();

    PodPhase phase();

    /** Process id (local runtime) of the pod's process group leader; null when not known. */
    Long pid();

    Instant startTime();

    Instant endTime();

    Integer exitCode();

    /** A machine word: {@code Running}, {@code Completed}, {@code Error}, {@code Killed}, {@code Lost}, {@code NotFound}. */
    String reason();

    /** For people, with numbers: {@code exited with code 137}. */
    String message();

    /** The pod's main process is alive. */
    record Running(PodKey key, String node, Long pid, Instant startTime) implements PodStatus {
        public Running {
            requireNonNull(key, "key is null");
            requireNonNull(node, "node is null");
            requireNonNull(startTime, "startTime is null");
        }

        @Override
        public PodPhase phase() {
            return PodPhase.RUNNING;
        }

        @Override
        public Instant endTime() {
            return null;
        }

        @Override
        public Integer exitCode() {
            return null;
        }

        @Override
        public String reason() {
            return "Running";
        }

        @Override
        public String message() {
            return "running as pid " + pid;
        }
    }

    /** The pod ended; {@code exitCode} 0 is {@link PodPhase#SUCCEEDED}, anything else {@link PodPhase#FAILED}. */
    record Exited(
            PodKey key,
            String node,
            Long pid,
            Instant startTime,
            Instant endTime,
            Integer exitCode,
            String reason,
            String message)
            implements PodStatus {
        public Exited {
            requireNonNull(key, "key is null");
            requireNonNull(node, "node is null");
            requireNonNull(endTime, "endTime is null");
            requireNonNull(exitCode, "exitCode is null");
            requireNonNull(reason, "reason is null");
            requireNonNull(message, "message is null");
        }

        @Override
        public PodPhase phase() {
            return exitCode == 0 ? PodPhase.SUCCEEDED : PodPhase.FAILED;
        }
    }

    /** The runtime has no record of the pod (never started here, or its records were removed). */
    record Unknown(PodKey key, String message) implements PodStatus {
        public Unknown {
            requireNonNull(key, "key is null");
            requireNonNull(message, "message is null");
        }

        @Override
        public String node() {
            return null;
        }

        @Override
        public PodPhase phase() {
            return PodPhase.UNKNOWN;
        }

        @Override
        public Long pid() {
            return null;
        }

        @Override
        public Instant startTime() {
            return null;
        }

        @Override
        public Instant endTime() {
            return null;
        }

        @Override
        public Integer exitCode() {
            return null;
        }

        @Override
        public String reason() {
            return "NotFound";
        }
    }
}
