package dev.kiln.workload;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks a requested spec against every rule of SPEC §5 and fills in the defaults. All problems are collected, so
 * one 400 names every bad field. Nothing is stored before this passes.
 */
public final class WorkloadValidator {
    public static final long MAX_SECONDS = 100L * 365 * 24 * 3600;
    public static final int MAX_DISPLAY_NAME = 256;
    public static final int MAX_DESCRIPTION = 4096;
    public static final int MAX_IMAGE = 1024;
    public static final int MAX_ENTRY_POINT = 512 * 1024;
    public static final int MAX_REPLICA = 10_000;
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern LABEL_NAME = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?");

    private final ClusterView cluster;

    public WorkloadValidator(ClusterView cluster) {
        this.cluster = requireNonNull(cluster, "cluster is null");
    }

    /** Validates a create request; returns the normalised spec or throws {@link KilnException.Invalid}. */
    public WorkloadSpec validate(WorkloadSpec in, Instant now) {
        return validate(in, now, null);
    }

    /**
     * @param selfId the workload's own id when re-validating an existing one (patch): it may not depend on itself
     *     and its own node port does not clash.
     */
    public WorkloadSpec validate(WorkloadSpec in, Instant now, String selfId) {
        Errors errors = new Errors();
        WorkloadSpec.Builder out = new WorkloadSpec.Builder();

        // kind first: several rules depend on it
        String kindName = "PyTorchJob";
        String version = "v1";
        if (in.groupVersionKind() != null) {
            if (in.groupVersionKind().kind() != null) {
                kindName = in.groupVersionKind().kind();
            }
            if (in.groupVersionKind().version() != null) {
                version = in.groupVersionKind().version();
            }
        }
        Kind kind = Kind.parse(kindName).orElse(null);
        if (kind == null) {
            errors.add("groupVersionKind.kind", "kind '" + kindName + "' is not one of " + String.join(", ", Kind.NAMES));
            kind = Kind.PyTorchJob;
        }
        if (!"v1".equals(version)) {
            errors.add("groupVersionKind.version", "version '" + version + "' is not one of v1");
        }
        out.groupVersionKind = new GroupVersionKind("", "v1", kind.name());

        // names
        if (in.displayName() == null || in.displayName().isEmpty()) {
            errors.add("displayName", "displayName is required");
        } else if (in.displayName().length() > MAX_DISPLAY_NAME) {
            errors.add("displayName", "displayName is " + in.displayName().length() + " characters; at most " + MAX_DISPLAY_NAME);
        } else if (WorkloadIds.normalise(in.displayName()).isEmpty()) {
            errors.add("displayName", "displayName '" + in.displayName() + "' has no letters or digits to make an id from");
        }
        out.displayName = in.displayName();
        out.description = in.description() == null ? "" : in.description();
        if (out.description.length() > MAX_DESCRIPTION) {
            errors.add("description", "description is " + out.description.length() + " characters; at most " + MAX_DESCRIPTION);
        }

        // workspace: a missing one is a 404, but only once the body is otherwise sound
        Workspace workspace = null;
        if (in.workspaceId() == null || in.workspaceId().isEmpty()) {
            errors.add("workspaceId", "workspaceId is required");
        } else {
            workspace = cluster.workspace(in.workspaceId()).orElse(null);
        }
        out.workspaceId = in.workspaceId();

        // scalars
        out.priority = range(errors, "priority", in.priority(), 0, 0, 2);
        out.timeout = range(errors, "timeout", in.timeout(), 0L, 0L, MAX_SECONDS);
        out.maxRetry = range(errors, "maxRetry", in.maxRetry(), 0, 0, 50);
        out.ttlSecondsAfterFinished = range(errors, "ttlSecondsAfterFinished", in.ttlSecondsAfterFinished(), 60L, 0L, MAX_SECONDS);
        out.isSupervised = Boolean.TRUE.equals(in.isSupervised());
        out.isTolerateAll = Boolean.TRUE.equals(in.isTolerateAll());

        // image and entry point
        out.image = in.image() == null ? "" : in.image().trim();
        if (out.image.isEmpty() && cluster.requiresImage()) {
            errors.add("image", "image is required when pods run on Kubernetes");
        } else if (out.image.length() > MAX_IMAGE || out.image.chars().anyMatch(Character::isWhitespace)) {
            errors.add("image", "image must be at most " + MAX_IMAGE + " characters without spaces");
        }
        out.entryPoint = entryPoint(errors, in.entryPoint(), kind);

        // env and labels
        out.env = env(errors, "env", in.env());
        out.customerLabels = labels(errors, in.customerLabels());

        // resource
        ResourceSpec resource = resource(errors, in.resource());

        // nodes
        List<Node> allNodes = cluster.nodes();
        List<String> specified = List.of();
        if (in.specifiedNodes() != null && !in.specifiedNodes().isEmpty()) {
            LinkedHashSet<String> seen = new LinkedHashSet<>();
            for (int i = 0; i < in.specifiedNodes().size(); i++) {
                String name = in.specifiedNodes().get(i);
                String field = "specifiedNodes[" + i + "]";
                if (name == null || allNodes.stream().noneMatch(n -> n.name().equals(name))) {
                    errors.add(field, "node '" + name + "' does not exist; nodes are " + nodeNames(allNodes));
                } else if (!seen.add(name)) {
                    errors.add(field, "node '" + name + "' is listed twice");
                }
            }
            specified = List.copyOf(seen);
            if (resource != null && !specified.isEmpty()) {
                resource = resource.withReplica(specified.size());
            }
        }
        out.specifiedNodes = specified;
        if (resource != null && kind == Kind.Authoring) {
            resource = resource.withReplica(1);
        }
        out.resource = resource;

        // kind rules: only PyTorchJobs retry and are supervised
        if (kind != Kind.PyTorchJob) {
            out.maxRetry = 0;
            out.isSupervised = false;
        }

        // probes and service
        out.liveness = probe(errors, "liveness", in.liveness(), kind);
        out.readiness = probe(errors, "readiness", in.readiness(), kind);
        out.service = service(errors, in.service(), kind, selfId);

        // dependencies
        // every kind may wait for others (a Deployment for the job that builds its model); see docs/DECISIONS.md
        out.dependencies = dependencies(errors, in.dependencies(), selfId);

        // cron
        out.cronJobs = cronJobs(errors, in.cronJobs(), now);

        if (resource != null && workspace != null) {
            fit(errors, resource, workspace, allNodes, specified, out.customerLabels, out.isTolerateAll, kind);
        }
        errors.throwIfAny();
        if (workspace == null) {
            throw KilnException.NotFound.workspace(in.workspaceId());
        }
        return out.build();
    }

    /** Re-checks cron entries alone (patch of an active workload). */
    public List<CronJobSpec> validateCronJobs(List<CronJobSpec> cronJobs, Instant now) {
        Errors errors = new Errors();
        List<CronJobSpec> result = cronJobs(errors, cronJobs, now);
        errors.throwIfAny();
        return result;
    }

    private String entryPoint(Errors errors, String entryPoint, Kind kind) {
        if (entryPoint == null || entryPoint.isEmpty()) {
            if (kind == Kind.Authoring) {
                return Base64.getEncoder().encodeToString("sleep infinity".getBytes(StandardCharsets.UTF_8));
            }
            errors.add("entryPoint", "entryPoint is required for " + kind + " (base64 of a shell script)");
            return "";
        }
        if (entryPoint.length() > MAX_ENTRY_POINT) {
            errors.add("entryPoint", "entryPoint is " + entryPoint.length() + " characters; at most " + MAX_ENTRY_POINT);
            return entryPoint;
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(entryPoint.trim());
        } catch (IllegalArgumentException e) {
            errors.add("entryPoint", "entryPoint is not valid base64: " + e.getMessage());
            return entryPoint;
        }
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(decoded));
        } catch (CharacterCodingException e) {
            errors.add("entryPoint", "entryPoint does not decode to UTF-8 text");
        }
        return entryPoint.trim();
    }

    private static Map<String, String> env(Errors errors, String field, Map<String, String> env) {
        if (env == null) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        env.forEach((k, v) -> {
            if (!ENV_NAME.matcher(k).matches()) {
                errors.add(field + "." + k, "'" + k + "' is not a valid environment variable name ([A-Za-z_][A-Za-z0-9_]*)");
            } else if (v == null) {
                errors.add(field + "." + k, "value must be a string, not null");
            } else {
                out.put(k, v);
            }
        });
        return out;
    }

    private static Map<String, String> labels(Errors errors, Map<String, String> labels) {
        if (labels == null) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        labels.forEach((k, v) -> {
            String field = "customerLabels." + k;
            if (!isLabelKey(k)) {
                errors.add(field, "'" + k + "' is not a valid label key ([prefix/]name, name 1-63 of [A-Za-z0-9-_.])");
            } else if (v == null || !LABEL_VALUE.matcher(v).matches() || v.length() > 63) {
                errors.add(field, "'" + v + "' is not a valid label value (0-63 of [A-Za-z0-9-_.], alphanumeric at both ends)");
            } else {
                out.put(k, v);
            }
        });
        return out;
    }

    static boolean isLabelKey(String key) {
        int slash = key.indexOf('/');
        String name = slash < 0 ? key : key.substring(slash + 1);
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            if (prefix.isEmpty() || prefix.length() > 253 || !DNS_SUBDOMAIN.matcher(prefix).matches()) {
                return false;
            }
        }
        return !name.isEmpty() && name.length() <= 63 && LABEL_NAME.matcher(name).matches();
    }

    private static ResourceSpec resource(Errors errors, ResourceSpec in) {
        ResourceSpec r = in == null ? new ResourceSpec(null, null, null, null, null, null) : in;
        int replica = r.replica() == null ? 1 : r.replica();
        if (replica < 1 || replica > MAX_REPLICA) {
            errors.add("resource.replica", "replica " + replica + " is out of range 1–" + MAX_REPLICA);
        }
        String cpu = r.cpu() == null ? "1" : r.cpu().trim();
        if (Quantities.cpuMillis(cpu).orElse(0) <= 0) {
            errors.add("resource.cpu", "cpu '" + cpu + "' is not a positive number of cores (e.g. 128, 0.5, 500m)");
        }
        String gpu = r.gpu() == null ? "0" : r.gpu().trim();
        if (Quantities.count(gpu).isEmpty()) {
            errors.add("resource.gpu", "gpu '" + gpu + "' is not a non-negative whole number");
        }
        String memory = r.memory() == null ? "1Gi" : r.memory().trim();
        long memoryBytes = Quantities.bytes(memory).orElse(0);
        if (memoryBytes <= 0) {
            errors.add("resource.memory", "memory '" + memory + "' is not a positive quantity (e.g. 128Gi, 512Mi, 1G)");
        }
        String storage = r.ephemeralStorage() == null ? "50Gi" : r.ephemeralStorage().trim();
        if (Quantities.bytes(storage).isEmpty()) {
            errors.add("resource.ephemeralStorage", "ephemeralStorage '" + storage + "' is not a quantity (e.g. 50Gi, 512Mi)");
        }
        String shm;
        if (r.sharedMemory() == null) {
            shm = memoryBytes > 0 ? Quantities.formatBytes(memoryBytes / 2) : "";
        } else {
            shm = r.sharedMemory().trim();
            long shmBytes = Quantities.bytes(shm).orElse(-1);
            if (shmBytes <= 0) {
                errors.add("resource.sharedMemory", "sharedMemory '" + shm + "' is not a positive quantity (e.g. 20Gi)");
            } else if (memoryBytes > 0 && shmBytes > memoryBytes) {
                errors.add("resource.sharedMemory", "sharedMemory " + shm + " is more than memory " + memory);
            }
        }
        return new ResourceSpec(replica, cpu, gpu, memory, storage, shm);
    }

    private static ProbeSpec probe(Errors errors, String field, ProbeSpec in, Kind kind) {
        if (in == null || in.isEmpty()) {
            return null;
        }
        if (!kind.isService()) {
            errors.add(field, field + " is only for Deployment and StatefulSet, not " + kind);
            return null;
        }
        if (in.path() == null || !in.path().startsWith("/")) {
            errors.add(field + ".path", "path '" + in.path() + "' must start with /");
        }
        if (in.port() == null || in.port() < 1 || in.port() > 65535) {
            errors.add(field + ".port", "port " + in.port() + " is out of range 1–65535");
        }
        int delay = range(errors, field + ".initialDelaySeconds", in.initialDelaySeconds(), 600, 0, 86_400);
        int period = range(errors, field + ".periodSeconds", in.periodSeconds(), 3, 1, 3_600);
        int threshold = range(errors, field + ".failureThreshold", in.failureThreshold(), 3, 1, 1_000);
        return new ProbeSpec(in.path(), in.port(), delay, period, threshold);
    }

    private ServiceSpec service(Errors errors, ServiceSpec in, Kind kind, String selfId) {
        if (in == null || in.isEmpty()) {
            return null;
        }
        if (!kind.isService()) {
            errors.add("service", "service is only for Deployment and StatefulSet, not " + kind);
            return null;
        }
        String protocol = in.protocol() == null ? "TCP" : in.protocol();
        if (!protocol.equals("TCP") && !protocol.equals("UDP")) {
            errors.add("service.protocol", "protocol '" + protocol + "' is not one of TCP, UDP");
        }
        String type = in.serviceType() == null || in.serviceType().isEmpty() ? "ClusterIP" : in.serviceType();
        if (!type.equals("ClusterIP") && !type.equals("NodePort")) {
            errors.add("service.serviceType", "serviceType '" + type + "' is not one of ClusterIP, NodePort");
        }
        if (in.port() == null || in.port() < 1 || in.port() > 65535) {
            errors.add("service.port", "port " + in.port() + " is out of range 1–65535");
        }
        if (in.targetPort() != null && (in.targetPort() < 1 || in.targetPort() > 65535)) {
            errors.add("service.targetPort", "targetPort " + in.targetPort() + " is out of range 1–65535");
        }
        Integer nodePort = in.nodePort() == null || in.nodePort() == 0 ? null : in.nodePort();
        if (type.equals("NodePort")) {
            int low = cluster.requiresImage() ? 30000 : 1;
            int high = cluster.requiresImage() ? 32767 : 65535;
            if (nodePort == null) {
                errors.add("service.nodePort", "nodePort is required for serviceType NodePort");
            } else if (nodePort < low || nodePort > high) {
                errors.add("service.nodePort", "nodePort " + nodePort + " is out of range " + low + "–" + high);
            } else if (cluster.nodePortInUse(nodePort, selfId)) {
                errors.add("service.nodePort", "nodePort " + nodePort + " is already used by another workload");
            }
        } else if (nodePort != null) {
            errors.add("service.nodePort", "nodePort is only for serviceType NodePort");
        }
        Map<String, Object> extensions = in.extensions() == null ? Map.of() : in.extensions();
        return new ServiceSpec(protocol, in.port(), nodePort, in.targetPort(), type, extensions);
    }

    private List<String> dependencies(Errors errors, List<String> in, String selfId) {
        if (in == null) {
            return List.of();
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (int i = 0; i < in.size(); i++) {
            String id = in.get(i);
            String field = "dependencies[" + i + "]";
            if (!WorkloadIds.isValid(id)) {
                errors.add(field, "'" + id + "' is not a workload id ([a-z0-9-]{1,63})");
            } else if (id.equals(selfId)) {
                errors.add(field, "a workload cannot depend on itself");
            } else if (!cluster.workloadExists(id)) {
                errors.add(field, "workload " + id + " does not exist");
            } else {
                out.add(id);
            }
        }
        return List.copyOf(out);
    }

    private List<CronJobSpec> cronJobs(Errors errors, List<CronJobSpec> in, Instant now) {
        if (in == null) {
            return List.of();
        }
        List<CronJobSpec> out = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            CronJobSpec job = in.get(i);
            String field = "cronJobs[" + i + "]";
            if (job == null || job.schedule() == null || job.schedule().isBlank()) {
                errors.add(field + ".schedule", "schedule is required");
                continue;
            }
            String action = job.action() == null || job.action().isEmpty() ? "start" : job.action();
            if (!action.equals("start") && !action.equals("stop")) {
                errors.add(field + ".action", "action '" + action + "' is not one of start, stop");
            }
            try {
                CronSchedule schedule = CronSchedule.parse(job.schedule(), cluster.timeZone());
                if (schedule instanceof CronSchedule.Once once) {
                    Instant at = once.at();
                    if (at.getEpochSecond() % 60 != 0 || at.getNano() != 0) {
                        errors.add(field + ".schedule", "schedule '" + job.schedule() + "' has seconds; only whole minutes are supported");
                    } else if (!at.isAfter(now)) {
                        errors.add(field + ".schedule", "schedule '" + job.schedule() + "' is in the past (now " + Times.format(now) + "Z)");
                    } else if (at.isAfter(now.plus(Duration.ofDays(366)))) {
                        errors.add(field + ".schedule", "schedule '" + job.schedule() + "' is more than one year ahead");
                    }
                }
            } catch (IllegalArgumentException e) {
                errors.add(field + ".schedule", "schedule '" + job.schedule() + "' is neither a timestamp nor a cron expression: " + e.getMessage());
            }
            out.add(new CronJobSpec(job.schedule().trim(), action));
        }
        return List.copyOf(out);
    }

    /** A workload that could never fit the workspace's nodes is refused now rather than queued forever. */
    private static void fit(
            Errors errors, ResourceSpec r, Workspace workspace, List<Node> allNodes, List<String> specified,
            Map<String, String> labels, boolean tolerateAll, Kind kind) {
        if (errors.any()) {
            return; // quantities may not parse
        }
        List<Node> eligible = allNodes.stream()
                .filter(workspace::contains)
                .filter(n -> specified.isEmpty() || specified.contains(n.name()))
                .filter(n -> n.matchesLabels(labels))
                .filter(n -> tolerateAll || n.taints().isEmpty())
                .toList();
        if (eligible.isEmpty()) {
            errors.add("resource", "no node of workspace " + workspace.id() + " is eligible (labels " + labels
                    + (tolerateAll ? "" : ", untainted") + (specified.isEmpty() ? "" : ", in specifiedNodes") + ")");
            return;
        }
        Optional<Node> fits = eligible.stream()
                .filter(n -> n.cpuMillis() >= r.cpuMillis() && n.gpu() >= r.gpuCount()
                        && n.memoryBytes() >= r.memoryBytes() && n.ephemeralBytes() >= r.ephemeralBytes())
                .findFirst();
        if (fits.isEmpty()) {
            long maxCpu = eligible.stream().mapToLong(Node::cpuMillis).max().orElse(0);
            long maxGpu = eligible.stream().mapToLong(Node::gpu).max().orElse(0);
            long maxMem = eligible.stream().mapToLong(Node::memoryBytes).max().orElse(0);
            long maxDisk = eligible.stream().mapToLong(Node::ephemeralBytes).max().orElse(0);
            if (r.cpuMillis() > maxCpu) {
                errors.add("resource.cpu", "cpu " + r.cpu() + " per pod is more than the largest eligible node has (" + Quantities.formatCpu(maxCpu) + ")");
            }
            if (r.gpuCount() > maxGpu) {
                errors.add("resource.gpu", "gpu " + r.gpu() + " per pod is more than the largest eligible node has (" + maxGpu + ")");
            }
            if (r.memoryBytes() > maxMem) {
                errors.add("resource.memory", "memory " + r.memory() + " per pod is more than the largest eligible node has (" + Quantities.formatBytesApprox(maxMem) + ")");
            }
            if (r.ephemeralBytes() > maxDisk) {
                errors.add("resource.ephemeralStorage", "ephemeralStorage " + r.ephemeralStorage() + " per pod is more than the largest eligible node has (" + Quantities.formatBytesApprox(maxDisk) + ")");
            }
            if (!errors.any()) {
                errors.add("resource", "no single eligible node has cpu " + r.cpu() + ", gpu " + r.gpu() + ", memory " + r.memory() + " and ephemeralStorage " + r.ephemeralStorage() + " at once");
            }
            return;
        }
        if (kind == Kind.PyTorchJob) {
            long fitting = eligible.stream()
                    .filter(n -> n.cpuMillis() >= r.cpuMillis() && n.gpu() >= r.gpuCount()
                            && n.memoryBytes() >= r.memoryBytes() && n.ephemeralBytes() >= r.ephemeralBytes())
                    .count();
            if (r.replica() > fitting) {
                errors.add("resource.replica", "replica " + r.replica() + " needs " + r.replica()
                        + " distinct nodes; only " + fitting + " eligible node" + (fitting == 1 ? "" : "s") + " can hold a pod");
            }
        }
    }

    private static String nodeNames(List<Node> nodes) {
        return String.join(", ", nodes.stream().map(Node::name).toList());
    }

    private static int range(Errors errors, String field, Integer value, int dflt, int min, int max) {
        int v = value == null ? dflt : value;
        if (v < min || v > max) {
            errors.add(field, field.substring(field.lastIndexOf('.') + 1) + " " + v + " is out of range " + min + "–" + max);
        }
        return v;
    }

    private static long range(Errors errors, String field, Long value, long dflt, long min, long max) {
        long v = value == null ? dflt : value;
        if (v < min || v > max) {
            errors.add(field, field + " " + v + " is out of range " + min + "–" + max);
        }
        return v;
    }

    /** Collects field errors so that one response names them all. */
    private static final class Errors {
        private final List<FieldError> list = new ArrayList<>();

        void add(String field, String message) {
            list.add(new FieldError(field, message));
        }

        boolean any() {
            return !list.isEmpty();
        }

        void throwIfAny() {
            if (!list.isEmpty()) {
                throw new KilnException.Invalid(list);
            }
        }
    }
}
