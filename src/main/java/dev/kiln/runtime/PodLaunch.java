package dev.kiln.runtime;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Everything a runtime needs to start one pod.
 *
 * @param node the node the scheduler placed the pod on (a virtual node name in the embedded shape)
 * @param container the main container's name ({@code pytorch} or {@code main}); also the log file's name
 * @param script the decoded entrypoint, run as {@code bash -o pipefail -c <script>}
 * @param env the complete pod environment as Kiln computed it (user env already merged in)
 * @param volume null, or the name of the workload's persistent volume this pod mounts (a StatefulSet ordinal): the
 *     runtime keeps it across pod restarts, runs and server restarts and exports its path as {@code KILN_VOLUME}
 */
public record PodLaunch(PodKey key, String node, String container, String script, Map<String, String> env, String volume) {
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public PodLaunch {
        requireNonNull(key, "key is null");
        requireNonNull(node, "node is null");
        if (node.isBlank()) {
            throw new IllegalArgumentException("node is blank");
        }
        PodKey.checkId("container", container);
        requireNonNull(script, "script is null");
        env = Map.copyOf(requireNonNull(env, "env is null"));
        if (volume != null) {
            PodKey.checkId("volume", volume);
        }
        for (String name : env.keySet()) {
            if (!ENV_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "env name '" + name + "' is invalid: must match [A-Za-z_][A-Za-z0-9_]*");
            }
        }
    }

    public PodLaunch(PodKey key, String node, String container, String script, Map<String, String> env) {
        this(key, node, container, script, env, null);
    }
}
