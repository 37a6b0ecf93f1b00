package dev.kiln.runtime;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * A command to run beside a running pod's main process: in its working directory, with its environment (plus
 * {@code env}, which wins on a clash). With a {@code terminal} it runs in a new pseudo-terminal of that size
 * (stdout and stderr are the terminal); without one it runs on plain pipes.
 */
public record PodExec(String container, List<String> command, Map<String, String> env, Terminal terminal) {
    public PodExec {
        PodKey.checkId("container", container);
        command = List.copyOf(requireNonNull(command, "command is null"));
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command is empty");
        }
        env = Map.copyOf(requireNonNull(env, "env is null"));
    }

    /** A terminal size in character cells. */
    public record Terminal(int cols, int rows) {
        public Terminal {
            if (cols < 1 || cols > 10_000 || rows < 1 || rows > 10_000) {
                throw new IllegalArgumentException("terminal " + cols + "x" + rows + " is out of range 1–10000");
            }
        }
    }
}
