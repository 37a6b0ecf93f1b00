package dev.kiln.server;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The YAML configuration of SPEC §13. Every key has a default, so an empty file (or none) is valid; an unknown
 * key fails start-up with a message naming it.
 */
public record KilnConfig(
        Server server,
        String dataDir,
        Database database,
        Cluster cluster,
        Runtime runtime,
        List<NodeConfig> nodes,
        List<WorkspaceConfig> workspaces,
        Lifecycle lifecycle,
        Ssh ssh) {

    public record Server(Integer port, String bind, Long maxBodyBytes) {}

    public record Database(String url, String user, String password) {}

    public record Cluster(String id, String timeZone) {}

    public record Runtime(String type, String namespace, String gpuResource) {}

    public record NodeConfig(
            String name, String cpu, String gpu, String memory, String ephemeralStorage, Map<String, String> labels,
            List<String> taints) {}

    public record QuotaConfig(String cpu, String gpu, String memory) {}

    public record WorkspaceConfig(
            String id, List<String> nodes, Map<String, String> nodeSelector, QuotaConfig quota, List<String> members) {}

    /** {@code logMaxSize}: optional cap on the total size of kept logs, e.g. 10Gi (oldest ended pods' go first). */
    public record Lifecycle(String stopGracePeriod, String hangTimeout, String logRetention, String logMaxSize) {}

    /**
     * The SSH server of docs/SHELL.md, on the same address as the API. {@code enabled} defaults to whether that
     * address is loopback; {@code port} to {@link #DEFAULT_SSH_PORT}; {@code hostKey} to {@code <dataDir>/ssh_host_key}.
     * Unset values stay null here: they depend on other keys, and Kiln resolves them at start-up.
     */
    public record Ssh(Boolean enabled, Integer port, String hostKey) {}

    public static final int DEFAULT_SSH_PORT = 2222;

    /** The configuration without an {@code ssh} section (its defaults apply). */
    public KilnConfig(Server server, String dataDir, Database database, Cluster cluster, Runtime runtime,
            List<NodeConfig> nodes, List<WorkspaceConfig> workspaces, Lifecycle lifecycle) {
        this(server, dataDir, database, cluster, runtime, nodes, workspaces, lifecycle, null);
    }

    public KilnConfig {
        ssh = ssh == null ? new Ssh(null, null, null) : ssh;
        server = server == null ? new Server(null, null, null) : server;
        server = new Server(
                server.port() == null ? 8080 : server.port(),
                server.bind() == null ? "127.0.0.1" : server.bind(),
                server.maxBodyBytes() == null ? 2L * 1024 * 1024 : server.maxBodyBytes());
        dataDir = dataDir == null ? "./data" : dataDir;
        database = database == null ? new Database(null, null, null) : database;
        database = new Database(
                database.url() == null ? "jdbc:h2:file:${dataDir}/kiln" : database.url(),
                database.user() == null ? "" : database.user(),
                database.password() == null ? "" : database.password());
        cluster = cluster == null ? new Cluster(null, null) : cluster;
        cluster = new Cluster(cluster.id() == null ? "local" : cluster.id(), cluster.timeZone() == null ? "UTC" : cluster.timeZone());
        runtime = runtime == null ? new Runtime(null, null, null) : runtime;
        runtime = new Runtime(runtime.type() == null ? "local" : runtime.type(), runtime.namespace(),
                runtime.gpuResource() == null ? "nvidia.com/gpu" : runtime.gpuResource());
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
        workspaces = workspaces == null ? List.of() : List.copyOf(workspaces);
        lifecycle = lifecycle == null ? new Lifecycle(null, null, null, null) : lifecycle;
        lifecycle = new Lifecycle(
                lifecycle.stopGracePeriod() == null ? "30s" : lifecycle.stopGracePeriod(),
                lifecycle.hangTimeout() == null ? "30m" : lifecycle.hangTimeout(),
                lifecycle.logRetention() == null ? "7d" : lifecycle.logRetention(),
                lifecycle.logMaxSize());
    }

    public static KilnConfig defaults() {
        return new KilnConfig(null, null, null, null, null, null, null, null);
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Reads a config file; throws {@link ConfigException} naming the bad key or value. */
    public static KilnConfig load(Path file) {
        try {
            // a file of only comments or "---" has no content at all; like an empty file it means "all defaults"
            JsonNode tree = YAML.readTree(Files.readString(file));
            if (tree == null || tree.isMissingNode() || tree.isNull()) {
                return defaults();
            }
            KilnConfig config = YAML.treeToValue(tree, KilnConfig.class);
            return config == null ? defaults() : config;
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(file + ": unknown key '" + path(e) + "'; known keys there: "
                    + e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")));
        } catch (JsonMappingException e) {
            throw new ConfigException(file + ": bad value at '" + path(e) + "': " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(file + ": " + e.getMessage());
        }
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) sb.append('.');
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    /** The database URL with ${dataDir} filled in. */
    public String databaseUrl() {
        return database.url().replace("${dataDir}", Path.of(dataDir).toAbsolutePath().normalize().toString());
    }

    public KilnConfig withOverrides(Integer port, String bind, String dataDirOverride) {
        Server s = new Server(port != null ? port : server.port(), bind != null ? bind : server.bind(), server.maxBodyBytes());
        return new KilnConfig(s, dataDirOverride != null ? dataDirOverride : dataDir, database, cluster, runtime, nodes,
                workspaces, lifecycle, ssh);
    }

    public KilnConfig withSsh(Ssh sshOverride) {
        return new KilnConfig(server, dataDir, database, cluster, runtime, nodes, workspaces, lifecycle, sshOverride);
    }

    private static final Pattern DURATION = Pattern.compile("([0-9]+)(ms|s|m|h|d)");

    /** "500ms", "30s", "30m", "1h", "7d". */
    public static Duration duration(String key, String text) {
        Matcher m = DURATION.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new ConfigException(key + ": '" + text + "' is not a duration like 30s, 30m, 1h, 7d");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** A configuration that cannot be used; start-up stops with this message. */
    public static final class ConfigException extends RuntimeException {
        public ConfigException(String message) {
            super(message);
        }
    }
}
