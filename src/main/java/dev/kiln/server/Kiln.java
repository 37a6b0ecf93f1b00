package dev.kiln.server;

import static java.util.Objects.requireNonNull;

import dev.kiln.api.ApiServer;
import dev.kiln.auth.Authenticator;
import dev.kiln.auth.Caller;
import dev.kiln.auth.User;
import dev.kiln.auth.UserService;
import dev.kiln.service.Cluster;
import dev.kiln.service.PodService;
import dev.kiln.service.WorkloadService;
import dev.kiln.lifecycle.LifecycleSettings;
import dev.kiln.lifecycle.RuntimePods;
import dev.kiln.lifecycle.StartEstimator;
import dev.kiln.lifecycle.WorkloadController;
import dev.kiln.runtime.local.HostNode;
import dev.kiln.runtime.local.LocalRuntime;
import dev.kiln.ssh.PodSshServer;
import dev.kiln.store.Database;
import dev.kiln.store.GroupCommit;
import dev.kiln.store.PodStore;
import dev.kiln.store.UserStore;
import dev.kiln.store.WorkloadStore;
import dev.kiln.workload.Node;
import dev.kiln.workload.Quantities;
import dev.kiln.workload.Quota;
import dev.kiln.workload.Workload;
import dev.kiln.workload.WorkloadIds;
import dev.kiln.workload.WorkloadValidator;
import dev.kiln.workload.Workspace;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** One running Kiln: database, services, API. The only place that wires the parts together. */
public final class Kiln implements AutoCloseable {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Kiln.class);
    public static final String VERSION = "0.1.0";
    private static final Pattern TAINT = Pattern.compile("[A-Za-z0-9][-A-Za-z0-9_./]*(=[-A-Za-z0-9_.]*)?:(NoSchedule|PreferNoSchedule|NoExecute)");

    private final Database database;
    private final GroupCommit<Workload> groupCommit;
    private final UserStore users;
    private final LocalRuntime runtime;
    private final WorkloadController controller;
    private final ApiServer api;
    private final PodSshServer ssh; // null when SSH is off
    private final String url;

    private Kiln(Database database, GroupCommit<Workload> groupCommit, UserStore users, LocalRuntime runtime, WorkloadController controller, ApiServer api,
            PodSshServer ssh, String url) {
        this.groupCommit = groupCommit;
        this.users = users;
        this.ssh = ssh;
        this.database = database;
        this.runtime = runtime;
        this.controller = controller;
        this.api = api;
        this.url = url;
    }

    public static Kiln start(KilnConfig config, Clock clock) {
        requireNonNull(config, "config is null");
        if (!config.runtime().type().equals("local")) {
            throw new KilnConfig.ConfigException("runtime.type '" + config.runtime().type()
                    + "' is not available in this build; allowed: local");
        }
        Path dataDir = Path.of(config.dataDir()).toAbsolutePath().normalize();
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new KilnConfig.ConfigException("dataDir " + dataDir + ": " + e.getMessage());
        }
        ZoneId zone;
        try {
            zone = ZoneId.of(config.cluster().timeZone());
        } catch (RuntimeException e) {
            throw new KilnConfig.ConfigException("cluster.timeZone: '" + config.cluster().timeZone() + "' is not a time zone");
        }
        // parsed before anything starts: a typo must stop start-up now, not surface when a pod is stopped
        LifecycleSettings lifecycle = lifecycle(config, zone);
        List<Node> nodes = nodes(config, dataDir);
        List<Workspace> workspaces = workspaces(config, nodes);

        Database database = Database.open(config.databaseUrl(), config.database().user(), config.database().password());
        LocalRuntime runtime = null;
        WorkloadController controller = null;
        PodSshServer ssh = null;
        GroupCommit<Workload> groupCommit = null;
        try {
            WorkloadStore store = new WorkloadStore(database);
            PodStore podStore = new PodStore(database);
            Cluster cluster = new Cluster(config.cluster().id(), zone, false, nodes, workspaces, store);
            runtime = new LocalRuntime(dataDir, clock);
            controller = new WorkloadController(store, podStore, runtime, cluster, clock, lifecycle, new SecureRandom(),
                    dev.kiln.lifecycle.Probes.http(), new dev.kiln.runtime.local.ServiceProxies(config.server().bind()));
            WorkloadController loop = controller;
            groupCommit = GroupCommit.workloads(store);
            WorkloadService workloads = new WorkloadService(store, new WorkloadValidator(cluster),
                    new WorkloadIds(new SecureRandom()), clock, cluster.id(), id -> loop.kick(), groupCommit::insert);
            PodService pods = new RuntimePods(podStore, runtime, loop::serviceStatus);
            UserStore directory = new UserStore(database);
            boolean loopback = isLoopback(config.server().bind());
            Authenticator authenticator = new Authenticator(directory, clock, null, workspaces);
            UserService users = new UserService(directory, authenticator, ws -> cluster.workspace(ws).isPresent(), clock);
            if (loopback) {
                User local = users.ensureUser(System.getProperty("user.name", "local"), User.Role.admin);
                // the local user is the admin on loopback even if a user of that name was added with role user
                Caller localCaller = authenticator.callerOf(local);
                localCaller = new Caller(localCaller.userId(), localCaller.userName(), true, localCaller.workspaces());
                authenticator = new Authenticator(directory, clock, localCaller, workspaces);
                users = new UserService(directory, authenticator, ws -> cluster.workspace(ws).isPresent(), clock);
            } else {
                AdminToken.ensure(users, dataDir);
            }
            ssh = ssh(config, dataDir, loopback, authenticator, workloads, pods);
            ApiServer.SshEndpoint sshEndpoint = ssh == null ? null : new ApiServer.SshEndpoint(clientHost(config.server().bind()), ssh.port());
            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            ApiServer api = new ApiServer(
                    new ApiServer.Settings(config.server().bind(), config.server().port(), config.server().maxBodyBytes(), VERSION,
                            sshEndpoint),
                    workloads, pods, new StartEstimator(store, podStore, cluster), cluster, clock, authenticator, users,
                    directory, metrics);
            int port = api.start();
            controller.start();
            String host = config.server().bind().contains(":") ? "[" + config.server().bind() + "]" : config.server().bind();
            return new Kiln(database, groupCommit, directory, runtime, controller, api, ssh, "http://" + host + ":" + port);
        } catch (RuntimeException e) {
            if (ssh != null) {
                ssh.close();
            }
            if (groupCommit != null) {
                groupCommit.close();
            }
            if (controller != null) {
                controller.close();
            }
            if (runtime != null) {
                runtime.close();
            }
            database.close();
            throw e;
        }
    }

    /**
     * The SSH server, when on: by default only on loopback, where the API itself trusts local callers. A port that
     * was configured must be free (start-up fails otherwise); the default port being taken (another Kiln, a test)
     * only turns SSH off, with a warning, since nobody asked for that port.
     */
    private static PodSshServer ssh(KilnConfig config, Path dataDir, boolean loopback, Authenticator authenticator,
            WorkloadService workloads, PodService pods) {
        KilnConfig.Ssh c = config.ssh();
        if (!(c.enabled() == null ? loopback : c.enabled())) {
            return null;
        }
        int port = c.port() == null ? KilnConfig.DEFAULT_SSH_PORT : c.port();
        if (port < 0 || port > 65535) {
            throw new KilnConfig.ConfigException("ssh.port: " + port + " is out of range 0–65535");
        }
        Path hostKey = c.hostKey() == null ? dataDir.resolve("ssh_host_key") : Path.of(c.hostKey()).toAbsolutePath();
        try {
            return PodSshServer.start(new PodSshServer.Settings(config.server().bind(), port, hostKey), authenticator, workloads, pods);
        } catch (java.net.BindException e) {
            if (c.port() == null) {
                log.warn("SSH is off: the default port {} is in use ({}); set ssh.port to choose another", port, e.getMessage());
                return null;
            }
            throw new KilnConfig.ConfigException("ssh.port: cannot listen on " + config.server().bind() + ":" + port + ": " + e.getMessage());
        } catch (IOException e) {
            throw new KilnConfig.ConfigException("ssh: cannot start the SSH server on port " + port + ": " + e.getMessage());
        }
    }

    /** How a client names this host: the bind address, or this host's name when bound to every address. */
    private static String clientHost(String bind) {
        try {
            if (java.net.InetAddress.getByName(bind).isAnyLocalAddress()) {
                return java.net.InetAddress.getLocalHost().getHostName();
            }
        } catch (java.net.UnknownHostException e) {
            return bind;
        }
        return bind.contains(":") ? "[" + bind + "]" : bind;
    }

    static LifecycleSettings lifecycle(KilnConfig config, ZoneId zone) {
        KilnConfig.Lifecycle l = config.lifecycle();
        Long cap = null;
        if (l.logMaxSize() != null) {
            cap = Quantities.bytes(l.logMaxSize()).orElseThrow(() -> new KilnConfig.ConfigException(
                    "lifecycle.logMaxSize: '" + l.logMaxSize() + "' is not a quantity like 10Gi"));
        }
        return new LifecycleSettings(
                KilnConfig.duration("lifecycle.stopGracePeriod", l.stopGracePeriod()),
                KilnConfig.duration("lifecycle.hangTimeout", l.hangTimeout()),
                KilnConfig.duration("lifecycle.logRetention", l.logRetention()),
                cap, zone);
    }

    static boolean isLoopback(String bind) {
        try {
            return java.net.InetAddress.getByName(bind).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            throw new KilnConfig.ConfigException("server.bind: '" + bind + "' is not an address of this host");
        }
    }

    private static List<Node> nodes(KilnConfig config, Path dataDir) {
        HostNode probed = HostNode.probe(dataDir);
        Node host = new Node(WorkloadIds.normalise(probed.name().split("\\.")[0]).orElse("localhost"),
                probed.cpus() * 1000L, probed.gpus(), probed.memoryBytes(), probed.diskBytes(), Map.of(), List.of());
        if (config.nodes().isEmpty()) {
            return List.of(host);
        }
        List<Node> nodes = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < config.nodes().size(); i++) {
            KilnConfig.NodeConfig n = config.nodes().get(i);
            String key = "nodes[" + i + "]";
            if (n.name() == null || !WorkloadIds.isValid(n.name())) {
                throw new KilnConfig.ConfigException(key + ".name: '" + n.name() + "' must match [a-z0-9-]{1,63}");
            }
            if (!names.add(n.name())) {
                throw new KilnConfig.ConfigException(key + ".name: node '" + n.name() + "' is configured twice");
            }
            long cpu = n.cpu() == null ? host.cpuMillis() : Quantities.cpuMillis(n.cpu())
                    .orElseThrow(() -> new KilnConfig.ConfigException(key + ".cpu: '" + n.cpu() + "' is not a cpu quantity"));
            long gpu = n.gpu() == null ? 0 : Quantities.count(n.gpu())
                    .orElseThrow(() -> new KilnConfig.ConfigException(key + ".gpu: '" + n.gpu() + "' is not a whole number"));
            long memory = n.memory() == null ? host.memoryBytes() : Quantities.bytes(n.memory())
                    .orElseThrow(() -> new KilnConfig.ConfigException(key + ".memory: '" + n.memory() + "' is not a quantity"));
            long storage = n.ephemeralStorage() == null ? host.ephemeralBytes() : Quantities.bytes(n.ephemeralStorage())
                    .orElseThrow(() -> new KilnConfig.ConfigException(key + ".ephemeralStorage: '" + n.ephemeralStorage() + "' is not a quantity"));
            List<String> taints = n.taints() == null ? List.of() : n.taints();
            for (String t : taints) {
                if (!TAINT.matcher(t).matches()) {
                    throw new KilnConfig.ConfigException(key + ".taints: '" + t + "' is not key[=value]:NoSchedule|PreferNoSchedule|NoExecute");
                }
            }
            nodes.add(new Node(n.name(), cpu, gpu, memory, storage, n.labels() == null ? Map.of() : n.labels(), taints));
        }
        return nodes;
    }

    private static List<Workspace> workspaces(KilnConfig config, List<Node> nodes) {
        List<Workspace> out = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < config.workspaces().size(); i++) {
            KilnConfig.WorkspaceConfig w = config.workspaces().get(i);
            String key = "workspaces[" + i + "]";
            if (w.id() == null || !WorkloadIds.isValid(w.id())) {
                throw new KilnConfig.ConfigException(key + ".id: '" + w.id() + "' must match [a-z0-9-]{1,63}");
            }
            if (!ids.add(w.id())) {
                throw new KilnConfig.ConfigException(key + ".id: workspace '" + w.id() + "' is configured twice");
            }
            Set<String> nodeNames = null;
            if (w.nodes() != null) {
                nodeNames = new LinkedHashSet<>(w.nodes());
                for (String n : w.nodes()) {
                    if (nodes.stream().noneMatch(node -> node.name().equals(n))) {
                        throw new KilnConfig.ConfigException(key + ".nodes: node '" + n + "' is not configured");
                    }
                }
            }
            Quota quota = null;
            if (w.quota() != null) {
                var q = w.quota();
                quota = new Quota(
                        q.cpu() == null ? null : Quantities.cpuMillis(q.cpu()).orElseThrow(() -> new KilnConfig.ConfigException(key + ".quota.cpu: '" + q.cpu() + "' is not a cpu quantity")),
                        q.gpu() == null ? null : Quantities.count(q.gpu()).orElseThrow(() -> new KilnConfig.ConfigException(key + ".quota.gpu: '" + q.gpu() + "' is not a whole number")),
                        q.memory() == null ? null : Quantities.bytes(q.memory()).orElseThrow(() -> new KilnConfig.ConfigException(key + ".quota.memory: '" + q.memory() + "' is not a quantity")));
            }
            boolean isDefault = w.id().equals("default");
            out.add(new Workspace(w.id(), nodeNames, w.nodeSelector() == null ? Map.of() : w.nodeSelector(), quota,
                    w.members() == null ? Set.of() : Set.copyOf(w.members()), isDefault && w.members() == null));
        }
        if (!ids.contains("default")) {
            out.add(new Workspace("default", null, Map.of(), null, Set.of(), true));
        }
        return out;
    }

    public String url() {
        return url;
    }

    public int port() {
        return api.port();
    }

    /** The SSH server's port; empty when SSH is off. */
    public java.util.OptionalInt sshPort() {
        return ssh == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(ssh.port());
    }

    public ApiServer api() {
        return api;
    }

    /** The lifecycle loop, for tests that drive it. */
    public WorkloadController controller() {
        return controller;
    }

    /** Stops serving and watching; pods keep running and the next start adopts them. */
    @Override
    public void close() {
        if (ssh != null) {
            ssh.close();
        }
        api.close();
        groupCommit.close();
        users.close();
        controller.close();
        runtime.close();
        database.close();
    }
}
